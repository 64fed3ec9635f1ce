"""The arrival day as a fallback (capacity policy rush_in_frozen_window arrival_day_fallback): a rush order is
promised from the lead days as before; only when that gives no promise by its date is it tried again from the day
it arrives, its components checked by the first day its task is laid."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import CapacityLedger, PlanItem, ReviewDecision
from domain.orders.review import create_order
from domain.planning import WeekHours, first_task_day
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order, short_of_steel
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, tasks_of
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY, half_idle_plan


def _fallback(book: RuleBook, monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """The shipped policy with the fallback on or off, and only the idle hours beyond the reserve of the days (no
    postponed or shifted tasks, no overtime), so the hours each day has are the plan's idle hours alone."""
    policy = dataclasses.replace(book.capacity_policy(), rush_arrival_day_fallback=on, rush_postpones_tasks=False,
                                 rush_shifts_tasks=False, rush_takes_overtime=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def _rush_hours_used(session: AsyncSession, plant: Plant) -> float:
    row = await session.scalar(select(CapacityLedger).where(CapacityLedger.line_id == plant.line.id,
                                                            CapacityLedger.week == MONDAY))
    assert row is not None
    await session.refresh(row)
    return row.rush_hours_used


async def test_a_rush_that_fits_from_the_day_after_keeps_that_promise(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fallback(book, monkeypatch, on=True)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Tuesday, 25 widgets (2.5 h) due Wednesday: Wednesday's 4 h idle hold them, so the fallback is not
    # tried and the task is Wednesday's alone, as without it (test_rush_idle_hours.py).
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.promised_date == WEDNESDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        WEDNESDAY: (pytest.approx(26.0), pytest.approx(2.6), True)}


async def test_a_rush_that_fits_only_from_the_arrival_day_is_made_from_it(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fallback(book, monkeypatch, on=True)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: on Tuesday, 45 widgets (4.5 h) due Wednesday: more than Wednesday's 4 h idle (no promise from the day
    # after), within Tuesday's and Wednesday's 8 h and the week's 4.8 h reserve. The task starts on Tuesday (4 h,
    # all its room) and ends on Wednesday.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.rush and rush.order.promised_date == WEDNESDAY
    tasks = await tasks_of(asession, plan_id, plant.widget.id)
    assert sorted(tasks) == [TUESDAY, WEDNESDAY]
    assert tasks[TUESDAY][1] == pytest.approx(4.1)  # 40 units by its hours, and the rush task's make-up unit
    assert await _rush_hours_used(asession, plant) == pytest.approx(4.5)
    assert await asession.run_sync(ledger_violations) == []


async def test_switched_off_the_arrival_day_is_not_tried(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fallback(book, monkeypatch, on=False)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: the order of the last test with the setting off: no promise for Wednesday, as before the setting.
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert rush.order.promised_date != WEDNESDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {}
    assert await _rush_hours_used(asession, plant) == pytest.approx(0.0)


async def test_a_receipt_due_the_day_after_counts_for_a_task_laid_that_day(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fallback(book, monkeypatch, on=True)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: no steel on hand, 500 due on Wednesday; on Tuesday 25 widgets due Wednesday (laid on Wednesday from the
    # lead days): the steel is in time for it, with the fallback on as without it.
    await short_of_steel(asession, plant, 0.0, (WEDNESDAY, 500.0))
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert sorted(await tasks_of(asession, plan_id, plant.widget.id)) == [WEDNESDAY]


async def test_a_task_laid_on_the_arrival_day_needs_its_components_that_day(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fallback(book, monkeypatch, on=True)
    plan_id = await half_idle_plan(asession, plant)
    # Tried: the 45 widgets that fit only from Tuesday, with the steel due on Wednesday: the fallback's task would
    # start on Tuesday without it, so it is not taken; the answer is the one from the lead days (no promise for
    # Wednesday) and nothing is laid or held.
    await short_of_steel(asession, plant, 0.0, (WEDNESDAY, 500.0))
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 45)), TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT
    assert rush.order.promised_date != WEDNESDAY
    assert await tasks_of(asession, plan_id, plant.widget.id) == {}
    assert await _rush_hours_used(asession, plant) == pytest.approx(0.0)


async def test_the_first_task_day_counts_the_hours_cut_tasks_give_up(asession: AsyncSession, plant: Plant) -> None:
    plan_id = await half_idle_plan(asession, plant)
    tuesdays = (await asession.scalars(select(PlanItem).where(PlanItem.plan_id == plan_id,
                                                              PlanItem.day == TUESDAY))).one()
    tuesdays.hours = 8.0  # Tuesday full, Wednesday 4 h idle
    await asession.commit()
    holding = [WeekHours(plant.line.id, plant.widget.id, 3.0)]
    # A task is laid on the earliest day whose room holds it: Wednesday, unless Tuesday's task gives up 3 h first.
    assert await first_task_day(asession, holding, TUESDAY, WEDNESDAY) == WEDNESDAY
    assert await first_task_day(asession, holding, TUESDAY, WEDNESDAY, {(plant.line.id, TUESDAY): 3.0}) == TUESDAY
    assert await first_task_day(asession, holding, TUESDAY, WEDNESDAY - timedelta(days=2)) is None
