"""A rush order the idle hours of the days before its date cannot hold may have its lines work overtime (capacity
policy rush_takes_idle_hours overtime), up to the week's overtime limit less what the week's tasks already take;
its day tasks start a make-up allowance for scrap."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import weeks_from
from domain.capacity.checks import ledger_violations
from domain.capacity.ledger import load_ledger
from domain.models import ReviewDecision
from domain.orders.idle_rush import idle_rush_view
from domain.orders.review import create_order
from domain.planning import overtime_day_hours
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, plan_in_force, tasks_of
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY, _week_row, half_idle_plan

pytestmark = pytest.mark.usefixtures("lead_days_only")  # refusals the arrival-day fallback would turn into promises


def _policy(book: RuleBook, monkeypatch: pytest.MonkeyPatch, overtime: bool) -> None:
    # Without postponing or shifting tasks: the idle hours and the overtime alone are tried.
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False,
                                 rush_postpones_tasks=False, rush_takes_overtime=overtime)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def _overtime_line(session: AsyncSession, plant: Plant, hours: float) -> None:
    plant.line.max_overtime_hours = hours
    await session.commit()


async def test_the_shipped_rules_let_rush_orders_take_overtime(book: RuleBook) -> None:
    assert book.capacity_policy().rush_takes_overtime


async def test_a_rush_beyond_the_idle_hours_is_made_in_overtime(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _policy(book, monkeypatch, overtime=True)
    await _overtime_line(asession, plant, 8.0)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Tuesday, 45 widgets (4.5 h) due Wednesday: Wednesday has 4 h idle (refused on those alone:
    # test_rush_idle_hours), the line may work 4 h overtime this week (10% of 40 h, under its own 8 h maximum), and
    # the week's reserve (4.8 h) holds the order.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == WEDNESDAY
    # On Wednesday, with the make-up unit (no reports yet: no yield allowance); 0.6 h beyond the day's 8 h.
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        WEDNESDAY: (pytest.approx(46.0), pytest.approx(4.6), True)}
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(4.5)
    assert await asession.run_sync(ledger_violations) == []
    # The overtime the week's tasks take now counts against the next rush order.
    assert await overtime_day_hours(asession, [plant.line.id], WEDNESDAY, WEDNESDAY, 0.10) == {
        plant.line.id: pytest.approx(4.0 - 0.6)}


async def test_without_the_setting_no_overtime(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _policy(book, monkeypatch, overtime=False)
    await _overtime_line(asession, plant, 8.0)
    await half_idle_plan(asession, plant)
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT


async def test_no_more_overtime_than_the_line_may_work(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _policy(book, monkeypatch, overtime=True)
    await _overtime_line(asession, plant, 0.0)
    await half_idle_plan(asession, plant)
    # Tried: the order of the first test on a line with no overtime at all (max_overtime_hours 0).
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert await overtime_day_hours(asession, [plant.line.id], WEDNESDAY, WEDNESDAY, 0.10) == {
        plant.line.id: pytest.approx(0.0)}


async def test_the_overtime_the_plan_already_takes_counts(asession: AsyncSession, plant: Plant) -> None:
    await _overtime_line(asession, plant, 20.0)
    await half_idle_plan(asession, plant)
    # Half-full days: none of the week's 4 h (10% of 40 h; the line's own maximum is higher) is used yet. A weekend
    # day has no hours to add overtime to.
    assert await overtime_day_hours(asession, [plant.line.id], TUESDAY, WEDNESDAY, 0.10) == {
        plant.line.id: pytest.approx(4.0)}
    saturday = MONDAY + timedelta(days=5)
    assert await overtime_day_hours(asession, [plant.line.id], saturday, saturday, 0.10) == {
        plant.line.id: pytest.approx(0.0)}


async def test_a_rush_for_saturday_received_on_friday_is_made_in_fridays_overtime(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _overtime_line(asession, plant, 8.0)
    plan_id = await half_idle_plan(asession, plant)
    friday, saturday = MONDAY + timedelta(days=4), MONDAY + timedelta(days=5)
    # Tried: on Friday, 25 widgets (2.5 h) due Saturday; the line works Monday to Friday. From the day after its
    # arrival it has no working day before its date: refused without overtime_same_day (shipped: yes).
    policy = dataclasses.replace(book.capacity_policy(), rush_overtime_same_day=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    refused = await create_order(asession, PLANNER, book, order("KEY", saturday, ("W-1", 25)), friday)
    assert refused.review is not None and refused.review.decision is not ReviewDecision.ACCEPT
    monkeypatch.setattr(book, "capacity_policy", lambda: dataclasses.replace(policy, rush_overtime_same_day=True))
    rush = await create_order(asession, PLANNER, book, order("KEY", saturday, ("W-1", 25)), friday)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == saturday
    # Made on Friday, after the day's tasks (25 and the make-up unit), charged to the week's reserve.
    assert await tasks_of(asession, plan_id, plant.widget.id) == {friday: (pytest.approx(26.0), pytest.approx(2.6),
                                                                           False)}
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(2.5)
    assert await asession.run_sync(ledger_violations) == []


async def test_an_order_due_in_weeks_gets_no_overtime_of_the_running_week(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    await _overtime_line(asession, plant, 8.0)
    await plan_in_force(asession, plant)  # 0.96 h idle a day, the rest planned
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False,
                                 rush_postpones_tasks=False, rush_takes_overtime=True)
    earliest_day = TUESDAY + timedelta(days=2)  # after the frozen window
    view = await load_ledger(asession, [plant.line.id], weeks_from(TUESDAY, 4), policy.reserve_share, earliest_day,
                             create_missing=False)
    # Tried on Tuesday: a rush order due Wednesday is offered the week's 4 h of overtime (10% of 40 h); one due in two
    # weeks' time is not (it has its own week's hours; overtime spent now for it leaves none to the orders due
    # this week).
    near = await idle_rush_view(asession, view, policy, TUESDAY, WEDNESDAY, earliest_day)
    far = await idle_rush_view(asession, view, policy, TUESDAY, MONDAY + timedelta(weeks=2, days=2), earliest_day)
    assert near is not None and near.postponable.overtime == {plant.line.id: pytest.approx(4.0)}
    assert far is not None and far.postponable.overtime == {}
