"""A rush order the reserve cannot hold may replace the running week's make-to-stock day tasks (capacity policy
rush_replaces_stock_tasks): the stock tasks give up the hours, the ledger moves them from planned to promised."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import CapacityLedger, ForecastHours, PlanItem, ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, plan_in_force, tasks_of

pytestmark = pytest.mark.usefixtures("lead_days_only")  # refusals the arrival-day fallback would turn into promises

WEDNESDAY, THURSDAY = TUESDAY + timedelta(days=1), TUESDAY + timedelta(days=2)


@pytest.fixture(autouse=True)
def no_postponing(book: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stock rule alone: postponing tasks no order needs this week (rush_takes_idle_hours) would take the same
    stock tasks' hours first."""
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False, rush_postpones_tasks=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def stock_plan(session: AsyncSession, plant: Plant) -> int:
    """The plan in force of test_rush_day_tasks (88% of each day makes the spare part for no order: stock), with the
    ledger's planned hours held for the spare part's forecast, as the weekly replan splits them."""
    plan_id = await plan_in_force(session, plant)
    session.add(ForecastHours(line_id=plant.line.id, week=MONDAY, product_id=plant.spare.id, hours=35.2))
    await session.commit()
    return plan_id


async def test_a_rush_the_reserve_cannot_hold_replaces_stock_tasks(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await stock_plan(asession, plant)
    # Tried: on Tuesday (frozen window), 25 widgets (2.5 h) due Thursday: the reserve of Wednesday and Thursday
    # holds 1.92 h (refused before the rule, test_rush_day_tasks); Wednesday's stock task gives up 2.5 h.
    rush = await create_order(asession, PLANNER, book, order("KEY", THURSDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.rush and rush.order.promised_date == THURSDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        WEDNESDAY: (pytest.approx(26.0), pytest.approx(2.6), True)}  # 25 and the rush task's make-up unit
    spare = await tasks_of(asession, plan_id, plant.spare.id)
    assert spare[WEDNESDAY][:2] == (pytest.approx(70.4 - 25.0), pytest.approx(7.04 - 2.5))
    assert spare[THURSDAY][:2] == (pytest.approx(70.4), pytest.approx(7.04))  # not needed: left as it was
    row = await asession.scalar(select(CapacityLedger).where(CapacityLedger.line_id == plant.line.id,
                                                             CapacityLedger.week == MONDAY))
    assert row is not None and (row.planned_hours, row.promised_hours) == (pytest.approx(32.7), pytest.approx(2.5))
    assert await asession.scalar(select(ForecastHours.hours)) == pytest.approx(32.7)
    assert await asession.run_sync(ledger_violations) == []


async def test_with_no_stock_task_left_the_rush_is_still_refused(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await stock_plan(asession, plant)
    # Tried: the same rush after Wednesday's and Thursday's stock tasks were made already (reported early): no
    # hour of them is left to give up, and the reserve alone cannot hold 2.5 h.
    await asession.execute(update(PlanItem).where(PlanItem.plan_id == plan_id, PlanItem.day >= WEDNESDAY)
                           .values(quantity_made=PlanItem.quantity))
    await asession.commit()
    rush = await create_order(asession, PLANNER, book, order("KEY", THURSDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert await tasks_of(asession, plan_id, plant.widget.id) == {}
    assert await asession.run_sync(ledger_violations) == []


async def test_switched_off_the_rush_does_not_touch_stock_tasks(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = await stock_plan(asession, plant)
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False,
                                 rush_replaces_stock_tasks=False, rush_postpones_tasks=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the rush of the first test with the capacity policy's rule off: refused, the stock tasks as planned.
    rush = await create_order(asession, PLANNER, book, order("KEY", THURSDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert (await tasks_of(asession, plan_id, plant.spare.id))[WEDNESDAY][:2] == (pytest.approx(70.4),
                                                                               pytest.approx(7.04))
