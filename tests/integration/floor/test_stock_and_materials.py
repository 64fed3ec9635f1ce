"""Safety stock (one alert per sku, substitutes, production suggestion) and the plan's material needs (R10, R11)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events.outbox import Outbox
from domain.floor.materials import material_shortages
from domain.floor.progress import report_progress
from domain.floor.stock import check_safety_stock
from domain.models import Alert, MaterialReceipt, Product, ProductionOrder, ProductionOrderStatus
from tests.integration.floor.plant import MES, MONDAY, TODAY, add_order, build_plant, plan_in_force
from tests.integration.orders.statements import statements


async def _set_stock(asession: AsyncSession, product_id: int, on_hand: float) -> None:
    await asession.execute(update(Product).where(Product.id == product_id).values(on_hand=on_hand))
    await asession.commit()


async def test_stock_below_safety_raises_one_alert_with_a_substitute_and_a_production_suggestion(
    asession: AsyncSession,
) -> None:
    plant = await build_plant(asession)  # W-1: safety stock 50; substitute G-1 has 25 in stock
    await add_order(asession, "SO-1", plant.regular, plant.widget, 15, promised=TODAY + timedelta(days=7))
    await _set_stock(asession, plant.widget.id, 20)
    outbox = Outbox()
    [alert] = await check_safety_stock(asession, [plant.widget.id], outbox, TODAY)
    await asession.commit()
    assert alert.kind == "SAFETY_STOCK" and alert.open and alert.product_id == plant.widget.id
    assert "Substitutes in stock: G-1 (25)" in alert.message
    suggestion = await asession.scalar(select(ProductionOrder))
    assert suggestion is not None and suggestion.status is ProductionOrderStatus.SUGGESTED
    assert suggestion.quantity == 50 - 20 + 15  # back to safety stock plus the open order
    assert suggestion.line_id == plant.other_line.id  # L2 makes 20 an hour, L1 only 10
    assert suggestion.code in alert.message

    await _set_stock(asession, plant.widget.id, 5)
    [again] = await check_safety_stock(asession, [plant.widget.id], Outbox(), TODAY)
    await asession.commit()
    assert again.id == alert.id and "stock 5 is below" in again.message
    assert len(list(await asession.scalars(select(Alert)))) == 1
    assert len(list(await asession.scalars(select(ProductionOrder)))) == 1

    # Making 60 units (15 of them for SO-1) brings the stock back to 65: the alert closes.
    outcome = await report_progress(asession, MES, line_code="L2", sku="W-1", quantity=60)
    assert outcome.product.on_hand == 65
    closed = await asession.get(Alert, alert.id, populate_existing=True)
    assert closed is not None and not closed.open and closed.closed_at is not None
    withdrawn = await asession.get(ProductionOrder, suggestion.id, populate_existing=True)
    assert withdrawn is not None and withdrawn.status is ProductionOrderStatus.CANCELLED


async def test_the_plans_material_needs_raise_an_alert_before_the_shortage(asession: AsyncSession) -> None:
    plant = await build_plant(asession)  # 100 steel on hand, 2 per widget, 10 days lead time
    await plan_in_force(asession, [
        (plant.line, plant.widget, MONDAY, 40),  # 80 steel
        (plant.line, plant.widget, MONDAY + timedelta(weeks=2), 30),  # 60 more: 140 > 100 + 20 received
    ])
    asession.add(MaterialReceipt(material_id=plant.steel.id, quantity=20, due_date=MONDAY + timedelta(days=9)))
    await asession.commit()
    outbox = Outbox()
    shortages = await asession.run_sync(lambda s: material_shortages(s, 4, today=TODAY, outbox=outbox))
    await asession.commit()
    assert [(s.material_code, s.week, s.needed, s.available) for s in shortages] == [
        ("STEEL", MONDAY + timedelta(weeks=2), 140, 120)
    ]
    assert shortages[0].order_by == TODAY + timedelta(days=2)  # week of 15 June minus 10 days' lead time
    [alert] = outbox.alerts
    assert alert.kind == "MATERIAL" and "short 20" in alert.message

    # A receipt that covers the need closes the alert on the next check.
    asession.add(MaterialReceipt(material_id=plant.steel.id, quantity=30, due_date=MONDAY + timedelta(days=10)))
    await asession.commit()
    assert await asession.run_sync(lambda s: material_shortages(s, 4, today=TODAY)) == []
    await asession.commit()
    refreshed = await asession.get(Alert, alert.id, populate_existing=True)
    assert refreshed is not None and not refreshed.open


async def test_a_sku_at_safety_stock_without_alert_or_suggestion_costs_two_statements(asession: AsyncSession) -> None:
    """Input: W-1 with 80 in stock (safety stock 50), no alert and no suggestion, checked as after every report and
    shipment: the product is read and one probe asks for an open alert or a suggestion; substitutes are not read
    (they were read, then alerts, then suggestions: four statements for nothing to do)."""
    plant = await build_plant(asession)
    await _set_stock(asession, plant.widget.id, 80)
    with statements(asession.bind) as sent:  # type: ignore[arg-type]
        assert await check_safety_stock(asession, [plant.widget.id], Outbox(), TODAY) == []
    assert len(sent) == 2, sent
    assert "product_substitutes" not in " ".join(sent)
