"""A rush order the reserve of the days before its date cannot hold may take the hours the running week's day tasks
leave idle on its lines (capacity policy rush_takes_idle_hours), charged to the line-week's rush reserve."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import CapacityLedger, CapacityReservation, ReviewDecision, RushInsertion
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, plan_in_force, tasks_of

pytestmark = pytest.mark.usefixtures("lead_days_only")  # refusals the arrival-day fallback would turn into promises

WEDNESDAY = TUESDAY + timedelta(days=1)


async def half_idle_plan(session: AsyncSession, plant: Plant) -> int:
    """Day tasks fill half of each 8 h day (4 h idle), while the ledger's planned hours take every regular hour of
    the week (capable-to-promise put other orders' hours in it that the plan makes in later weeks)."""
    plan_id = await plan_in_force(session, plant, share=0.5)
    session.add(CapacityLedger(line_id=plant.line.id, week=MONDAY, capacity_hours=40.0, reserve_hours=4.8,
                               planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
    await session.commit()
    return plan_id


async def _week_row(session: AsyncSession, plant: Plant) -> CapacityLedger:
    row = await session.scalar(select(CapacityLedger).where(CapacityLedger.line_id == plant.line.id,
                                                            CapacityLedger.week == MONDAY))
    assert row is not None
    await session.refresh(row)
    return row


async def test_a_rush_takes_wednesdays_idle_hours(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Tuesday (frozen window), 25 widgets (2.5 h) due Wednesday. Wednesday's reserve share is 0.96 h
    # (refused without the rule, last test); its tasks leave 4 h idle and the week's reserve has 4.8 h.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.rush and rush.order.promised_date == WEDNESDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        WEDNESDAY: (pytest.approx(26.0), pytest.approx(2.6), True)}  # 25 and the rush task's make-up unit
    row = await _week_row(asession, plant)
    assert (row.rush_hours_used, row.promised_hours) == (pytest.approx(2.5), pytest.approx(0.0))
    assert await asession.run_sync(ledger_violations) == []


async def test_no_more_than_the_idle_hours_of_the_days_before_the_date(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await half_idle_plan(asession, plant)
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False, rush_postpones_tasks=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: 45 widgets (4.5 h) due Wednesday: more than Wednesday's 4 h idle, though the week's reserve has 4.8 h
    # (without postponing Wednesday's spare task, which no order needs: last tests).
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(0.0)


async def test_no_more_than_the_weeks_reserve_left(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    await half_idle_plan(asession, plant)
    # Tried: 25 widgets due Wednesday after Monday's rush (30 widgets due Tuesday, on Tuesday's idle hours) used 3 h
    # of the week's 4.8 h reserve: 1.8 h left, though Wednesday has 4 h idle.
    first = await create_order(asession, PLANNER, book, order("KEY", TUESDAY, ("W-1", 30)), MONDAY)
    assert first.review is not None and first.review.decision is ReviewDecision.ACCEPT, first.review
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(3.0)
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT


async def test_switched_off_only_the_days_reserve_share_counts(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = await half_idle_plan(asession, plant)
    policy = dataclasses.replace(book.capacity_policy(), rush_takes_idle_hours=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the rush of the first test with the rule off: Wednesday's 0.96 h reserve share cannot hold 2.5 h.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert await tasks_of(asession, plan_id, plant.widget.id) == {}


async def _full_weeks(session: AsyncSession, plant: Plant, weeks: int) -> None:
    """Every regular hour of the first `weeks` weeks planned: only the 12% reserve is left in them."""
    session.add_all(CapacityLedger(line_id=plant.line.id, week=MONDAY + timedelta(weeks=w), capacity_hours=40.0,
                                   reserve_hours=4.8, planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0,
                                   lost_hours=0.0) for w in range(weeks))
    await session.commit()


async def _reserve_weeks(session: AsyncSession, order_id: int) -> dict[date, float]:
    rows = (await session.execute(select(CapacityReservation.week, CapacityReservation.hours).where(
        CapacityReservation.order_id == order_id, CapacityReservation.from_reserve))).all()
    return {week: hours for week, hours in rows}


async def test_an_order_due_in_weeks_takes_the_reserve_of_its_own_week(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _full_weeks(asession, plant, 3)
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_days_ahead=None)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: on Thursday, 10 widgets at 6,000 each (rush for its amount, LARGE) due in two weeks' time, with no
    # regular hour left by then, with the reserve open to orders due in any number of days. It takes 1 h of the
    # reserve of its requested week, not of the running week's.
    due = MONDAY + timedelta(weeks=2, days=2)
    large = await create_order(asession, PLANNER, book, order("REG", due, ("W-1", 10, "6000")), TODAY)
    assert large.review is not None and large.review.decision is ReviewDecision.ACCEPT, large.review
    assert large.order.rush and large.order.promised_date == due
    assert await _reserve_weeks(asession, large.order.id) == {MONDAY + timedelta(weeks=2): pytest.approx(1.0)}


async def test_without_the_rule_it_empties_the_running_weeks_reserve_first(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _full_weeks(asession, plant, 3)
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_weeks_before_due=None,
                                 rush_reserve_days_ahead=None)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the order of the last test with the whole rule left out: the running week's reserve goes first.
    due = MONDAY + timedelta(weeks=2, days=2)
    large = await create_order(asession, PLANNER, book, order("REG", due, ("W-1", 10, "6000")), TODAY)
    assert large.review is not None and large.review.decision is ReviewDecision.ACCEPT, large.review
    assert await _reserve_weeks(asession, large.order.id) == {MONDAY: pytest.approx(1.0)}


async def test_a_rush_postpones_a_task_no_order_needs_this_week(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await plan_in_force(asession, plant)
    # Tried: on Tuesday, 25 widgets (2.5 h) due Wednesday when the day tasks fill 88% of each day with the spare
    # part, which no order needs (no forecast hours either: the stock rule has nothing to give). Wednesday has
    # 0.96 h idle; its spare task gives up the other 1.54 h, and the next replan makes those units.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        WEDNESDAY: (pytest.approx(26.0), pytest.approx(2.6), True)}  # 25 and the rush task's make-up unit
    spare = await tasks_of(asession, plan_id, plant.spare.id)
    assert spare[WEDNESDAY][:2] == (pytest.approx(70.4 - 15.4), pytest.approx(7.04 - 1.54))
    assert spare[TUESDAY + timedelta(days=2)][:2] == (pytest.approx(70.4), pytest.approx(7.04))
    row = await _week_row(asession, plant)
    assert (row.planned_hours, row.rush_hours_used) == (pytest.approx(35.2), pytest.approx(2.5))
    # R15's record of it: the spare task it cut is one changeover; idle and the cut held it without overtime.
    recorded = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert recorded is not None and (recorded.overtime_hours, recorded.changeovers) == (0.0, 1)
    assert await asession.run_sync(ledger_violations) == []


async def test_without_postponing_only_the_idle_hours_count(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id = await plan_in_force(asession, plant)
    policy = dataclasses.replace(book.capacity_policy(), rush_shifts_tasks=False, rush_postpones_tasks=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the rush of the last test with postpone_tasks off: Wednesday's 0.96 h idle cannot hold 2.5 h.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert (await tasks_of(asession, plan_id, plant.spare.id))[WEDNESDAY][:2] == (pytest.approx(70.4),
                                                                               pytest.approx(7.04))


async def test_an_order_due_beyond_the_policys_days_takes_no_reserve(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _full_weeks(asession, plant, 3)
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_days_ahead=7)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the large order of the tests above (due in 13 days) with `days_ahead: 7` added to the rule: no regular
    # hour left by then, it is not promised its date on the reserve, which stays for the orders due in days.
    due = MONDAY + timedelta(weeks=2, days=2)
    large = await create_order(asession, PLANNER, book, order("REG", due, ("W-1", 10, "6000")), TODAY)
    assert large.review is not None and large.order.rush
    assert large.review.decision is not ReviewDecision.ACCEPT or large.order.promised_date != due
    assert await _reserve_weeks(asession, large.order.id) == {}


async def _large_due_in_weeks(session: AsyncSession, plant: Plant, book: RuleBook):  # type: ignore[no-untyped-def]
    """On Tuesday (frozen window), with 4 h idle each day this week and no regular hour left in the next two weeks:
    60 widgets at 6,000 each (6 h, rush for its amount: LARGE) due in two weeks' time, more than its own week's
    4.8 h reserve holds."""
    await half_idle_plan(session, plant)
    session.add_all(CapacityLedger(line_id=plant.line.id, week=MONDAY + timedelta(weeks=w), capacity_hours=40.0,
                                   reserve_hours=4.8, planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0,
                                   lost_hours=0.0) for w in (1, 2))
    await session.commit()
    due = MONDAY + timedelta(weeks=2, days=2)
    large = await create_order(session, PLANNER, book, order("REG", due, ("W-1", 60, "6000")), TUESDAY)
    assert large.review is not None and large.order.rush
    return large


async def test_an_order_due_in_weeks_leaves_the_running_weeks_idle_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_weeks_running_too=True)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the large order of _large_due_in_weeks, then a rush of 25 widgets (2.5 h) due Wednesday. With the
    # setting running_week_too (not shipped) the large order takes none of the running week's idle hours or frozen-day
    # reserve, so the week's 4.8 h reserve is still there for the order due tomorrow.
    large = await _large_due_in_weeks(asession, plant, book)
    assert MONDAY not in await _reserve_weeks(asession, large.order.id)
    assert (await _week_row(asession, plant)).rush_hours_used == pytest.approx(0.0)
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == WEDNESDAY


async def test_without_running_week_too_an_order_due_in_weeks_takes_the_idle_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_weeks_running_too=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the large order of the last test with running_week_too false (shipped, as before the setting): promised its
    # date on its own week's reserve and the running week's idle hours, which it charges to this week's reserve.
    large = await _large_due_in_weeks(asession, plant, book)
    assert large.order.promised_date == MONDAY + timedelta(weeks=2, days=2), large.review
    assert (await _reserve_weeks(asession, large.order.id)).get(MONDAY, 0.0) > 0.0
    assert (await _week_row(asession, plant)).rush_hours_used > 0.0
