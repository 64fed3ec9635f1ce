"""A rush order due inside the frozen window whose lines' days up to its date are full may push the hours of those
days' tasks onto the idle hours later in the week (capacity policy rush_takes_idle_hours shift_tasks): the work is
laid again, not dropped, and the ledger's week stays as it was."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import CapacityLedger, Order, OrderLine, OrderStatus, PlanItem, ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, plan_in_force
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY

pytestmark = pytest.mark.usefixtures("lead_days_only")  # refusals the arrival-day fallback would turn into promises

THURSDAY = WEDNESDAY + timedelta(days=1)


def _policy(book: RuleBook, monkeypatch: pytest.MonkeyPatch, shift: bool) -> None:
    # Idle hours and shifted tasks alone (no postponed tasks, no overtime), so only shifting can add room.
    policy = dataclasses.replace(book.capacity_policy(), rush_postpones_tasks=False, rush_takes_overtime=False,
                                 rush_shifts_tasks=shift)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def _spare_by_day(session: AsyncSession, plan_id: int, product_id: int) -> dict[date, float]:
    rows = (await session.execute(select(PlanItem.day, func.sum(PlanItem.hours)).where(
        PlanItem.plan_id == plan_id, PlanItem.product_id == product_id).group_by(PlanItem.day))).all()
    return {day: float(hours) for day, hours in rows}


async def _half_full_week(session: AsyncSession, plant: Plant) -> int:
    """The spare part's tasks fill half of each 8 h day; the ledger's planned hours take the week's regular hours."""
    plan_id = await plan_in_force(session, plant, share=0.5)
    session.add(CapacityLedger(line_id=plant.line.id, week=MONDAY, capacity_hours=40.0, reserve_hours=4.8,
                               planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
    await session.commit()
    return plan_id


async def test_the_shipped_rules_let_rush_orders_shift_tasks(book: RuleBook) -> None:
    assert book.capacity_policy().rush_shifts_tasks


@pytest.mark.parametrize("shift", [True, False])
async def test_a_rush_due_in_the_frozen_days_pushes_a_task_to_thursday(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch, shift: bool
) -> None:
    _policy(book, monkeypatch, shift)
    plan_id = await _half_full_week(asession, plant)
    # Tried: on Tuesday, 45 widgets (4.5 h) due Wednesday (frozen). Wednesday has 4 h idle: 0.5 h short. No order
    # waits for the spare part, so 0.5 h of Wednesday's spare task can be made on Thursday's idle hours instead.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None
    spare = await _spare_by_day(asession, plan_id, plant.spare.id)
    if not shift:
        assert rush.review.decision is not ReviewDecision.ACCEPT
        assert spare[WEDNESDAY] == pytest.approx(4.0) and spare[THURSDAY] == pytest.approx(4.0)
        return
    assert rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == WEDNESDAY
    assert spare[WEDNESDAY] == pytest.approx(3.5)
    assert spare[THURSDAY] == pytest.approx(4.5)  # the half hour laid again, not dropped
    assert sum(spare.values()) == pytest.approx(20.0)
    assert await asession.run_sync(ledger_violations) == []


async def test_a_task_whose_units_an_order_needs_by_the_date_stays(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _policy(book, monkeypatch, True)
    plan_id = await _half_full_week(asession, plant)
    # Tried: the rush of the last test while an order in production waits for the 80 spare parts that Tuesday's and
    # Wednesday's tasks make, promised Wednesday: moving any of Wednesday's work to Thursday would break its promise.
    waiting = Order(code="SO-WAIT", customer_id=plant.regular.id, status=OrderStatus.IN_PRODUCTION,
                    requested_date=WEDNESDAY, promised_date=WEDNESDAY, amount=Decimal("800"),
                    gross_margin=Decimal("320"), priority_tier="P4")
    asession.add(waiting)
    await asession.flush()
    asession.add(OrderLine(order_id=waiting.id, line_no=1, product_id=plant.spare.id, quantity=80.0,
                           unit_price=Decimal("10"), unit_cost=Decimal("6")))
    await asession.commit()
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    spare = await _spare_by_day(asession, plan_id, plant.spare.id)
    assert spare[WEDNESDAY] == pytest.approx(4.0) and spare[THURSDAY] == pytest.approx(4.0)
