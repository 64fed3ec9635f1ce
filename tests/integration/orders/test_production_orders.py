"""Production orders raised for accepted orders that stock does not cover (R11), released by a planner, and
feeding the replan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidTransition
from domain.models import CapacityReservation, ForecastTier, ProductionOrder, ProductionOrderStatus
from domain.orders.changes import cancel_order
from domain.orders.inputs import CancelInput
from domain.orders.production_orders import release_production_order
from domain.orders.review import create_order
from domain.planning.snapshot import load_snapshot
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=14)


async def _production_orders(session: AsyncSession, order_id: int | None = None) -> list[ProductionOrder]:
    stmt = select(ProductionOrder).order_by(ProductionOrder.id)
    if order_id is not None:
        stmt = stmt.where(ProductionOrder.order_id == order_id)
    return list((await session.scalars(stmt)).all())


async def test_an_order_stock_does_not_cover_raises_one_for_what_must_be_made(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input: 400 W-1 due in two weeks with 100 on hand (no safety stock): 300 to make on L1."""
    plant.widget.on_hand = 100.0
    await asession.commit()
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 400)), TODAY)
    raised = await _production_orders(asession, created.order.id)
    assert [(p.quantity, p.status, p.line_id) for p in raised] == [
        (pytest.approx(300.0), ProductionOrderStatus.SUGGESTED, plant.line.id)]
    last_week = await asession.scalar(select(CapacityReservation.week).where(
        CapacityReservation.order_id == created.order.id).order_by(CapacityReservation.week.desc()).limit(1))
    assert last_week is not None and raised[0].due_date == last_week + timedelta(days=4)
    assert raised[0].reason == f"order {created.order.code}: not covered by stock"


async def test_an_order_covered_by_stock_raises_none(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    """Input: 100 W-1 with 300 on hand."""
    plant.widget.on_hand = 300.0
    await asession.commit()
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    assert await _production_orders(asession, created.order.id) == []


async def test_cancelling_the_order_cancels_its_suggestion_and_a_released_one_cannot_be_released_again(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input: two orders of 200 W-1 (nothing in stock); the first is released then released again (refused),
    the second is cancelled (its suggestion is cancelled; releasing it is refused)."""
    first = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 200)), TODAY)
    second = await create_order(asession, PLANNER, book, order("KEY", IN_TWO_WEEKS, ("W-1", 200)), TODAY)
    [kept] = await _production_orders(asession, first.order.id)
    released = await release_production_order(asession, kept.id)
    assert released.status is ProductionOrderStatus.RELEASED
    with pytest.raises(InvalidTransition):
        await release_production_order(asession, kept.id)
    await cancel_order(asession, PLANNER, book, CancelInput(second.order.code, second.order.version), TODAY)
    [dropped] = await _production_orders(asession, second.order.id)
    await asession.refresh(dropped)
    assert dropped.status is ProductionOrderStatus.CANCELLED
    with pytest.raises(InvalidTransition):
        await release_production_order(asession, dropped.id)


async def test_a_released_production_order_of_no_order_is_firm_demand_for_the_replan(
    asession: AsyncSession, plant: Plant
) -> None:
    """Input: a RELEASED production order of 120 W-1 due in two weeks raised for safety stock (no order)."""
    asession.add(ProductionOrder(code="PO-W-1", product_id=plant.widget.id, line_id=plant.line.id, order_id=None,
                                 quantity=120.0, due_date=IN_TWO_WEEKS, status=ProductionOrderStatus.RELEASED,
                                 reason="stock below safety stock"))
    await asession.commit()
    snapshot = await asession.run_sync(lambda s: load_snapshot(s, TODAY, 4, ForecastTier.MID, 0.12))
    widget = snapshot.product_ids.index(plant.widget.id)
    assert snapshot.firm_demand[widget].sum() == pytest.approx(120.0)
    assert snapshot.firm_demand[widget, 2] == pytest.approx(120.0)
