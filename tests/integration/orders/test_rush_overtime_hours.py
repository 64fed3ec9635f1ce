"""A rush order's overtime counts as hours of its line-week in the ledger (capacity policy rush_takes_idle_hours
overtime_adds_hours), and a Friday order for Saturday may take Friday's idle hours before its overtime
(same_day_tasks)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import PlanItem, ReviewDecision, RushInsertion
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, tasks_of
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY, _week_row, half_idle_plan

pytestmark = pytest.mark.usefixtures("lead_days_only")  # refusals the arrival-day fallback would turn into promises

FRIDAY, SATURDAY = MONDAY + timedelta(days=4), MONDAY + timedelta(days=5)


def _policy(book: RuleBook, monkeypatch: pytest.MonkeyPatch, *, adds: bool, same_day: bool) -> None:
    # Without postponing or shifting tasks: the idle hours and the overtime alone are tried.
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False, rush_postpones_tasks=False,
                                 rush_overtime_adds_hours=adds, rush_same_day_tasks=same_day)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def test_the_shipped_rules_count_rush_overtime_and_the_arrival_days_hours(book: RuleBook) -> None:
    assert book.capacity_policy().rush_overtime_adds_hours
    assert book.capacity_policy().rush_same_day_tasks


@pytest.mark.parametrize("adds", [False, True])
async def test_overtime_adds_the_hours_the_ledgers_week_lacks(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch, adds: bool
) -> None:
    _policy(book, monkeypatch, adds=adds, same_day=False)
    plant.line.max_overtime_hours = 8.0
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Tuesday, 70 widgets (7 h) due Wednesday. The floor has Wednesday's 4 h idle and the week's 4 h of
    # overtime (10% of 40 h); the ledger's week has only its 4.8 h reserve left (planned hours fill the rest).
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 70)), TUESDAY)
    assert rush.review is not None
    row = await _week_row(asession, plant)
    if not adds:
        assert rush.review.decision is not ReviewDecision.ACCEPT
        assert row.capacity_hours == pytest.approx(40.0)
        return
    assert rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == WEDNESDAY
    # The week's 4.8 h reserve and 2.2 h of overtime, which the ledger's week gains as rush hours (capacity and
    # reserve alike); the floor works 3.1 h beyond Wednesday's 8 h (with the make-up unit).
    assert (row.capacity_hours, row.reserve_hours, row.rush_hours_used, row.promised_hours) == (
        pytest.approx(42.2), pytest.approx(7.0), pytest.approx(7.0), pytest.approx(0.0))
    tasks = (await asession.execute(select(PlanItem.day, func.sum(PlanItem.quantity)).where(
        PlanItem.plan_id == plan_id, PlanItem.product_id == plant.widget.id).group_by(PlanItem.day))).all()
    assert [(day, float(units)) for day, units in tasks] == [(WEDNESDAY, pytest.approx(71.0))]
    # R15's record of it: the 3 h beyond Wednesday's 4 h idle are overtime; no task was cut, so no changeover.
    recorded = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert recorded is not None
    assert (recorded.overtime_hours, recorded.changeovers) == (pytest.approx(3.0), 0)
    assert await asession.run_sync(ledger_violations) == []


async def test_no_more_than_the_weeks_overtime(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _policy(book, monkeypatch, adds=True, same_day=False)
    plant.line.max_overtime_hours = 8.0
    await half_idle_plan(asession, plant)
    # Tried: 85 widgets (8.5 h) due Wednesday: beyond the idle 4 h and the 4 h of overtime.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 85)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert (await _week_row(asession, plant)).capacity_hours == pytest.approx(40.0)


@pytest.mark.parametrize("same_day", [False, True])
async def test_a_friday_order_for_saturday_takes_fridays_idle_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch, same_day: bool
) -> None:
    _policy(book, monkeypatch, adds=False, same_day=same_day)
    plant.line.max_overtime_hours = 8.0
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Friday, 45 widgets (4.5 h) due Saturday on a Monday-to-Friday line: Friday's overtime (4 h) alone
    # cannot make it; Friday's 4 h idle and its overtime can, within the week's 4.8 h reserve.
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 45)), FRIDAY)
    assert rush.review is not None
    if not same_day:
        assert rush.review.decision is not ReviewDecision.ACCEPT
        return
    assert rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == SATURDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        FRIDAY: (pytest.approx(46.0), pytest.approx(4.6), False)}
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(4.5)
    assert await asession.run_sync(ledger_violations) == []
