"""reportProgress at domain level: stock, order status, history and plan completion move together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.errors import InvalidInput, NotFound
from domain.floor.progress import report_progress
from domain.models import (
    CapacityReservation,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PlanItem,
    StockMovement,
    StockMovementKind,
)
from tests.integration.floor.plant import MES, MONDAY, TODAY, add_order, build_plant, plan_in_force, reserve

AT = datetime(2026, 6, 3, 10, 0, tzinfo=UTC)


async def test_progress_moves_an_order_in_production_then_in_stock(asession: AsyncSession) -> None:
    plant = await build_plant(asession)
    order = await add_order(asession, "SO-1", plant.regular, plant.widget, 30, promised=TODAY)
    await reserve(asession, order, plant.line, MONDAY, 3, 30)
    plan = await plan_in_force(asession, [(plant.line, plant.widget, MONDAY, 100)])

    first = await report_progress(asession, MES, line_code="L1", sku="W-1", quantity=10, scrap=2, at=AT)
    assert [o.code for o in first.orders] == ["SO-1"]
    await asession.refresh(order)
    assert order.status is OrderStatus.IN_PRODUCTION
    assert first.product.on_hand == 70 and first.product.work_in_progress == 28

    await report_progress(asession, MES, line_code="L1", sku="W-1", quantity=25, order_code="SO-1", at=AT)
    order = await asession.get(Order, order.id, populate_existing=True)  # type: ignore[assignment]
    assert order.status is OrderStatus.IN_STOCK and order.completed_at is not None
    made = await asession.scalar(select(OrderLine.quantity_made).where(OrderLine.order_id == order.id))
    assert made == 30  # 35 made, 30 for the order, 5 free stock

    history = list(
        await asession.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id))
    )
    assert [(e.kind, e.from_status, e.to_status) for e in history] == [
        ("PROGRESS", None, None),
        ("STATUS", OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION),
        ("PROGRESS", None, None),
        ("STATUS", OrderStatus.IN_PRODUCTION, OrderStatus.IN_STOCK),
    ]
    assert all(e.actor == MES.actor for e in history)
    assert order.version == 5

    item = await asession.scalar(
        select(PlanItem).where(PlanItem.plan_id == plan.id).execution_options(populate_existing=True)
    )
    assert item is not None and item.quantity_made == 35
    produced = await asession.scalars(
        select(StockMovement.quantity).where(StockMovement.kind == StockMovementKind.PRODUCED)
    )
    assert sorted(produced) == [10, 25]
    # In stock, the order no longer holds the 3 h it was promised.
    assert await asession.scalar(select(CapacityReservation.id)) is None
    assert await asession.run_sync(ledger_violations) == []


async def test_progress_serves_the_earliest_promise_first(asession: AsyncSession) -> None:
    plant = await build_plant(asession)
    late = await add_order(asession, "SO-LATE", plant.regular, plant.widget, 10, promised=TODAY.replace(day=20))
    early = await add_order(asession, "SO-EARLY", plant.regular, plant.widget, 10, promised=TODAY.replace(day=10))
    outcome = await report_progress(asession, MES, line_code="L2", sku="W-1", quantity=12, at=AT)
    assert [o.code for o in outcome.orders] == ["SO-EARLY", "SO-LATE"]
    early = await asession.get(Order, early.id, populate_existing=True)  # type: ignore[assignment]
    late = await asession.get(Order, late.id, populate_existing=True)  # type: ignore[assignment]
    assert early.status is OrderStatus.IN_STOCK and late.status is OrderStatus.IN_PRODUCTION


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"quantity": -1.0}, "INVALID", ["quantity"]),  # negative quantity made
        ({"scrap": -0.5}, "INVALID", ["scrap"]),  # negative scrap
        ({"quantity": float("nan")}, "INVALID", ["quantity"]),  # not a number
        ({"line_code": "NOPE"}, "NOT_FOUND", ["lineCode"]),  # unknown line
        ({"sku": "NOPE"}, "NOT_FOUND", ["sku"]),  # unknown sku
        ({"order_code": "NOPE"}, "NOT_FOUND", ["orderCode"]),  # unknown order
        ({"order_code": "SO-G"}, "INVALID", ["orderCode"]),  # an order without a line of this sku
    ],
)
async def test_bad_progress_reports_name_the_field(
    asession: AsyncSession, changes: dict[str, object], code: str, field: list[str]
) -> None:
    plant = await build_plant(asession)
    await add_order(asession, "SO-G", plant.regular, plant.gadget, 5, promised=TODAY)
    report: dict[str, object] = {"line_code": "L1", "sku": "W-1", "quantity": 5.0, **changes}
    with pytest.raises((InvalidInput, NotFound)) as raised:
        await report_progress(asession, MES, **report)  # type: ignore[arg-type]
    assert raised.value.code == code and raised.value.field == field
    assert (await asession.scalar(select(Order.version).where(Order.code == "SO-G"))) == 1


async def test_what_the_named_order_does_not_need_goes_to_the_next_waiting_order(asession: AsyncSession) -> None:
    plant = await build_plant(asession)
    named = await add_order(asession, "SO-1", plant.regular, plant.widget, 30, promised=TODAY + timedelta(days=1))
    waiting = await add_order(asession, "SO-2", plant.regular, plant.widget, 20, promised=TODAY)
    # Tried: 35 made on a task started for SO-1 (whole units gross of the yield). SO-1 takes its 30 although SO-2 is
    # promised earlier; the 5 over go to SO-2 as an unnamed report's would (before: left as free stock).
    await report_progress(asession, MES, line_code="L1", sku="W-1", quantity=35, order_code="SO-1", at=AT)
    made = dict((await asession.execute(select(OrderLine.order_id, OrderLine.quantity_made))).all())
    assert made == {named.id: 30, waiting.id: 5}
