"""Orders promised inside the running week join the day's tasks of the plan in force; a rush order may have the
rush reserve of the frozen days when the capacity policy says so (R6, R14, R15)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.capacity.calendar import week_start
from domain.floor import report_progress
from domain.models import (
    CapacityLedger,
    CurrentPlan,
    ForecastTier,
    OrderStatus,
    Plan,
    PlanItem,
    ProgressEvent,
    ReviewDecision,
)
from domain.orders.proposals import respond_to_proposal
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order, short_of_steel

TUESDAY = TODAY - timedelta(days=2)  # inside the frozen window (Monday to Wednesday)
MONDAY = week_start(TODAY)
DAY_HOURS = 8.0


async def plan_in_force(session: AsyncSession, plant: Plant, share: float = 0.88) -> int:
    """A plan in force whose day tasks fill `share` of each working day of this week; with the default share
    the ledger's planned hours take every regular hour of the week (only the 12% reserve is left)."""
    plan = Plan(version=1, tier=ForecastTier.MID, horizon_start=MONDAY, horizon_weeks=4,
                frozen_until=MONDAY + timedelta(days=2), inputs_fingerprint="test")
    session.add(plan)
    await session.flush()
    session.add(CurrentPlan(plan_id=plan.id))
    for d in range(5):
        hours = DAY_HOURS * share
        session.add(PlanItem(plan_id=plan.id, week=MONDAY, day=MONDAY + timedelta(days=d), line_id=plant.line.id,
                             product_id=plant.spare.id, quantity=hours * 10, hours=hours, crew_hours=hours * 4,
                             quantity_made=0.0, frozen=d < 3))
    if share >= 0.88:
        session.add(CapacityLedger(line_id=plant.line.id, week=MONDAY, capacity_hours=40.0, reserve_hours=4.8,
                                   planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
    await session.commit()
    return plan.id


def reserve_days_only(book: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    """The capacity policy without the rules that come after the frozen days' reserve (idle hours, postponed
    tasks), so a test of the reserve of the days sees that reserve alone."""
    policy = dataclasses.replace(book.capacity_policy(), rush_takes_idle_hours=False, rush_postpones_tasks=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def tasks_of(session: AsyncSession, plan_id: int, product_id: int) -> dict[date, tuple[float, float, bool]]:
    rows = (await session.execute(select(PlanItem.day, PlanItem.quantity, PlanItem.hours, PlanItem.frozen).where(
        PlanItem.plan_id == plan_id, PlanItem.product_id == product_id))).all()
    return {day: (quantity, hours, frozen) for day, quantity, hours, frozen in rows}


async def test_a_rush_accepted_on_tuesday_is_in_wednesdays_tasks(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    reserve_days_only(book, monkeypatch)
    plan_id = await plan_in_force(asession, plant)
    wednesday = TUESDAY + timedelta(days=1)
    # Due Wednesday, inside the window: only Wednesday's reserve (0.96 h, 9.6 units) counts by then.
    small = await create_order(asession, PLANNER, book, order("KEY", wednesday, ("W-1", 9)), TUESDAY)
    assert small.review is not None and small.review.decision is ReviewDecision.ACCEPT, small.review
    assert small.order.rush and small.order.promised_date == wednesday
    # On Wednesday, frozen (a replan of the running week keeps it); Tuesday's tasks on the floor stay as they were.
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        wednesday: (pytest.approx(10.0), pytest.approx(1.0), True)}  # 9 and the rush task's make-up unit
    # Tried: 20 more units due Wednesday. What is left of one day's reserve cannot make them: no promise for then.
    big = await create_order(asession, PLANNER, book, order("KEY", wednesday, ("W-1", 20)), TUESDAY)
    assert big.review is not None and big.review.decision is not ReviewDecision.ACCEPT
    assert big.order.promised_date != wednesday
    assert len(await tasks_of(asession, plan_id, plant.widget.id)) == 1


async def test_a_rush_due_after_the_window_is_made_on_its_open_days(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    reserve_days_only(book, monkeypatch)
    plan_id = await plan_in_force(asession, plant)
    thursday = TUESDAY + timedelta(days=2)
    # 15 units (1.5 h) fit the reserve of the open days by Thursday: made on Thursday, the first open day.
    rush = await create_order(asession, PLANNER, book, order("KEY", thursday, ("W-1", 15)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        thursday: (pytest.approx(16.0), pytest.approx(1.6), False)}  # 15 and the make-up unit
    # Tried: 25 units due Thursday (2.5 h): the reserve of Wednesday and Thursday holds 1.92 h, so no promise.
    big = await create_order(asession, PLANNER, book, order("KEY", thursday, ("W-1", 25)), TUESDAY)
    assert big.review is not None and big.review.decision is not ReviewDecision.ACCEPT


async def test_a_rush_cut_over_two_days_starts_whole_units_on_each(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await plan_in_force(asession, plant)
    friday = TUESDAY + timedelta(days=3)
    # Tried: 15 units (1.5 h) due Friday for a strategic customer (rush). Thursday and Friday have 0.96 h of room
    # each, so the order is cut over both: 9.6 and 5.4 units by the hours, started as 10 and 5 whole units, and a
    # make-up unit on each (a rush task loses its part unit to the floor's whole good units).
    rush = await create_order(asession, PLANNER, book, order("STRAT", friday, ("W-1", 15)), TUESDAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT, rush.review
    thursday = friday - timedelta(days=1)
    assert await tasks_of(asession, plan_id, plant.widget.id) == {
        thursday: (11.0, pytest.approx(1.1), False), friday: (6.0, pytest.approx(0.6), False)}


async def test_without_the_policy_rule_a_rush_inside_the_window_waits_for_its_end(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    await plan_in_force(asession, plant)
    policy = dataclasses.replace(book.capacity_policy(), rush_reserve_in_frozen_window=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)
    # Tried: the same rush due Wednesday with the rule switched off: the frozen window keeps it out.
    rush = await create_order(asession, PLANNER, book, order("KEY", TUESDAY + timedelta(days=1), ("W-1", 9)),
                              TUESDAY)
    assert rush.review is not None and rush.review.decision is not ReviewDecision.ACCEPT


async def test_an_order_promised_in_the_open_days_joins_their_tasks(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await plan_in_force(asession, plant, share=0.5)
    # Thursday, the window is over: a regular order due Friday takes regular hours of Thursday and Friday.
    regular = await create_order(asession, PLANNER, book, order("REG", TODAY + timedelta(days=1), ("W-1", 50)),
                                 TODAY)
    assert regular.order.status is OrderStatus.ACCEPTED and regular.order.promised_date == TODAY + timedelta(days=1)
    tasks = await tasks_of(asession, plan_id, plant.widget.id)
    assert set(tasks) <= {TODAY, TODAY + timedelta(days=1)}
    assert sum(h for _, h, _ in tasks.values()) == pytest.approx(5.2)  # due tomorrow, so rush: a make-up unit a day
    assert not any(frozen for _, _, frozen in tasks.values())


async def test_a_proposal_accepted_for_the_running_week_joins_its_tasks(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    await plan_in_force(asession, plant)
    plan_id = await asession.scalar(select(CurrentPlan.plan_id))
    # Tried: on Thursday, 10 units due Saturday (rush) with no steel until tomorrow's receipt: the review proposes
    # the date the steel allows, Saturday itself; the customer takes it. Its hour of the running week's reserve
    # must be made this week from Thursday: 9.6 units' hours fit Thursday's room, 10 whole units are started
    # there, so Friday's sliver needs no task (before the fix it joined no task and waited for the replan).
    await short_of_steel(asession, plant, 0.0, (TODAY + timedelta(days=1), 500.0))
    saturday = TODAY + timedelta(days=2)
    proposed = await create_order(asession, PLANNER, book, order("KEY", saturday, ("W-1", 10)), TODAY)
    assert proposed.review is not None and proposed.review.decision is ReviewDecision.PROPOSE_DATE, proposed.review
    assert proposed.review.proposed_date == saturday and await tasks_of(asession, plan_id, plant.widget.id) == {}
    accepted = await respond_to_proposal(asession, PLANNER, book, proposed.order.code, proposed.order.version, True,
                                         TODAY)
    assert accepted.order.status is OrderStatus.ACCEPTED and accepted.order.promised_date == saturday
    # 10 and the rush task's make-up unit.
    assert await tasks_of(asession, plan_id, plant.widget.id) == {TODAY: (11.0, pytest.approx(1.1), False)}


async def test_without_a_plan_in_force_an_order_adds_no_task(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    regular = await create_order(asession, PLANNER, book, order("REG", TODAY + timedelta(days=1), ("W-1", 50)),
                                 TODAY)
    assert regular.order.status is OrderStatus.ACCEPTED
    assert (await asession.scalars(select(PlanItem))).all() == []


async def test_a_task_inserted_for_an_order_names_it_and_what_it_makes_goes_to_that_order(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    plan_id = await plan_in_force(asession, plant, share=0.5)
    friday = TODAY + timedelta(days=1)
    # Tried: on Thursday a regular order of 50 W-1 due Friday, then a strategic rush of 9 W-1 due Friday. Both join
    # the day tasks; each task names its order. Reported without the order, the rush task's 9 units went to the
    # regular order (same promise, received first) and the rush order waited for the sku's next run.
    regular = await create_order(asession, PLANNER, book, order("REG", friday, ("W-1", 50)), TODAY)
    rush = await create_order(asession, PLANNER, book, order("STRAT", friday, ("W-1", 9)), TODAY)
    assert rush.order.rush and rush.order.promised_date == friday, rush.review
    tasks = (await asession.execute(select(PlanItem.order_id, func.sum(PlanItem.quantity)).where(
        PlanItem.plan_id == plan_id, PlanItem.product_id == plant.widget.id).group_by(PlanItem.order_id))).all()
    # Both due tomorrow, so both rush: a make-up unit on each task (the 50 are cut over Thursday and Friday).
    assert sorted(tasks) == [(regular.order.id, 52.0), (rush.order.id, 10.0)]
    made = await report_progress(asession, PLANNER, line_code="L1", sku="W-1", quantity=9.0,
                                 order_code=rush.order.code)
    assert [o.code for o in made.orders] == [rush.order.code]
    assert made.orders[0].status is OrderStatus.IN_STOCK


@pytest.mark.parametrize("reported", ["widget", "spare"])
async def test_a_task_made_for_an_order_starts_a_scrap_allowance_for_a_day_below_the_trailing_yield(
    asession: AsyncSession, plant: Plant, book: RuleBook, reported: str
) -> None:
    """Tried: five recent reports at 98, 96, 100, 94 and 97% (trailing yield 97%, 10th percentile 94.8%), of W-1
    itself or (W-1 never made lately, planned at 100%) of the spare part only, then a regular order of 50 W-1 due
    Friday. Started at the trailing yield (or as 50 units), a day below it left the order a unit short and waiting for
    the sku's next run. Due tomorrow, the order is rush: its tasks start the rush make-up allowance, for the 2nd
    percentile (94.16%) instead of the 10th, and a unit more per task: 56 either way (the plant's allowance without
    reports); 53 at the 10th percentile without the make-up unit."""
    plan_id = await plan_in_force(asession, plant, share=0.5)
    noon = datetime.combine(TODAY, time(12), tzinfo=UTC)
    for good in (98.0, 96.0, 100.0, 94.0, 97.0):
        asession.add(ProgressEvent(line_id=plant.line.id, product_id=getattr(plant, reported).id, quantity=good,
                                   scrap=100.0 - good, at=noon - timedelta(days=3)))
    await asession.commit()
    with clock.pinned(noon):
        regular = await create_order(asession, PLANNER, book, order("REG", TODAY + timedelta(days=1), ("W-1", 50)),
                                     TODAY)
    assert regular.order.promised_date == TODAY + timedelta(days=1)
    tasks = await tasks_of(asession, plan_id, plant.widget.id)
    assert sum(quantity for quantity, _, _ in tasks.values()) == 56.0
    assert sum(hours for _, hours, _ in tasks.values()) == pytest.approx(5.6)


async def test_a_rush_task_starts_at_least_the_plants_allowance(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Tried: W-1 made twice lately at 100% (no spread of its own), the spare part five times at 98, 96, 100, 94 and
    97%; then a rush order of 50 W-1 due Friday. At W-1's own allowance (1.0) its tasks started its 50 units and a
    make-up unit each, and a day at 97% leaves it short; they start the plant's allowance instead."""
    plan_id = await plan_in_force(asession, plant, share=0.5)
    noon = datetime.combine(TODAY, time(12), tzinfo=UTC)
    for product, good in ((plant.widget, 100.0), (plant.widget, 100.0), *((plant.spare, g) for g in (
            98.0, 96.0, 100.0, 94.0, 97.0))):
        asession.add(ProgressEvent(line_id=plant.line.id, product_id=product.id, quantity=good, scrap=100.0 - good,
                                   at=noon - timedelta(days=3)))
    await asession.commit()
    with clock.pinned(noon):
        rush = await create_order(asession, PLANNER, book, order("REG", TODAY + timedelta(days=1), ("W-1", 50)),
                                  TODAY)
    assert rush.order.rush and rush.order.promised_date == TODAY + timedelta(days=1)
    tasks = await tasks_of(asession, plan_id, plant.widget.id)
    # Cut over Thursday and Friday: 52 at W-1's own allowance (50 and a make-up unit a day), 54 at the plant's.
    assert sum(quantity for quantity, _, _ in tasks.values()) == 54.0
