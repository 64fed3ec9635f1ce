"""Orders promised inside the running week join the day's tasks of the plan in force (R6, R15), so the floor
makes them before the weekend replan would."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.line_hours import line_weeks
from domain.capacity.yields import ALLOWANCE_QUANTILE, RUSH_ALLOWANCE_QUANTILE, scrap_allowances
from domain.models import CurrentPlan, PlanItem, ProductionLine, Routing

# Below this an hour share is round-off, not work; a unit share too.
MIN_HOURS = 1e-6
UNIT_ROUNDING = 1e-6


@dataclass(frozen=True)
class WeekHours:
    """Hours an accepted order holds on one line in the running week, for one of its products."""

    line_id: int
    product_id: int
    hours: float


async def _day_load(session: AsyncSession, plan_id: int, line_id: int, days: list[date]) -> dict[date, float]:
    """Hours the plan in force already puts on the line on each of these days."""
    rows = await session.execute(
        select(PlanItem.day, func.sum(PlanItem.hours))
        .where(PlanItem.plan_id == plan_id, PlanItem.line_id == line_id, PlanItem.day.in_(days))
        .group_by(PlanItem.day)
    )
    return {day: float(hours or 0.0) for day, hours in rows.all() if day is not None}


async def idle_day_hours(session: AsyncSession, line_ids: list[int], first_day: date, last_day: date
                         ) -> dict[int, float]:
    """line id -> hours the plan in force's day tasks leave free on the line's days from first_day to last_day
    (within first_day's week): each day's reserve share and whatever the plan did not fill. {} without a plan."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    monday = week_start(first_day)
    last = min(last_day, monday + timedelta(days=6))
    if plan_id is None or not line_ids or last < first_day:
        return {}
    days = [first_day + timedelta(days=d) for d in range((last - first_day).days + 1)]
    calendars = await line_weeks(session, line_ids, [monday])
    load: dict[tuple[int, date], float] = {(line_id, day): float(hours or 0.0) for line_id, day, hours in (
        await session.execute(
            select(PlanItem.line_id, PlanItem.day, func.sum(PlanItem.hours))
            .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(line_ids), PlanItem.day.in_(days))
            .group_by(PlanItem.line_id, PlanItem.day))).all() if day is not None}
    return {line_id: sum(max(calendars[line_id].day_hours(day) - load.get((line_id, day), 0.0), 0.0) for day in days)
            for line_id in line_ids}


async def any_working_day(session: AsyncSession, line_ids: list[int], first_day: date, last_day: date) -> bool:
    """Whether any of these lines has hours on a day from first_day to last_day (within first_day's week)."""
    monday = week_start(first_day)
    days = [first_day + timedelta(days=d) for d in range((min(last_day, monday + timedelta(days=6)) - first_day).days
                                                          + 1)]
    calendars = await line_weeks(session, line_ids, [monday]) if line_ids and days else {}
    return any(calendar.day_hours(day) > 0 for calendar in calendars.values() for day in days)


async def overtime_day_hours(session: AsyncSession, line_ids: list[int], first_day: date, last_day: date,
                             share: float) -> dict[int, float]:
    """line id -> overtime hours the line may still work on its working days from first_day to last_day (within
    first_day's week): the week's allowance (`share` of its regular hours, at most the line's max_overtime_hours)
    less what the plan in force's day tasks already load beyond the regular hours of the week's days (planned
    overtime and earlier rush orders'). 0 for a line with no working day in the range. {} without a plan."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    monday = week_start(first_day)
    last = min(last_day, monday + timedelta(days=6))
    if plan_id is None or not line_ids or last < first_day or share <= 0:
        return {}
    week = [monday + timedelta(days=d) for d in range(7)]
    calendars = await line_weeks(session, line_ids, [monday])
    limits = dict((await session.execute(select(ProductionLine.id, ProductionLine.max_overtime_hours)
                                         .where(ProductionLine.id.in_(line_ids)))).all())
    load: dict[tuple[int, date], float] = {(line_id, day): float(hours or 0.0) for line_id, day, hours in (
        await session.execute(
            select(PlanItem.line_id, PlanItem.day, func.sum(PlanItem.hours))
            .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(line_ids), PlanItem.day.in_(week))
            .group_by(PlanItem.line_id, PlanItem.day))).all() if day is not None}
    room = {}
    for line_id in line_ids:
        calendar = calendars[line_id]
        if not any(calendar.day_hours(day) > 0 for day in week if first_day <= day <= last):
            room[line_id] = 0.0
            continue
        allowance = min(share * calendar.week_hours(monday), float(limits.get(line_id) or 0.0))
        used = sum(max(load.get((line_id, day), 0.0) - calendar.day_hours(day), 0.0) for day in week)
        room[line_id] = max(allowance - used, 0.0)
    return room


def spread(hours: float, room: dict[date, float], days: list[date]) -> dict[date, float]:
    """The hours on the earliest day whose room holds them all: one task, since a floor starts whole units per task
    and each part of an order cut over days leaves its last unit short at a yield below 100%. If no day holds them,
    laid on the days in turn, each up to its room; what does not fit goes on the last day (the ledger kept the
    week's hours for it, so the line works them there, with overtime if need be)."""
    whole = next((day for day in days if room.get(day, 0.0) >= hours - MIN_HOURS), None)
    if whole is not None:
        return {whole: hours}
    placed: dict[date, float] = {}
    left = hours
    for day in days:
        if left <= MIN_HOURS:
            break
        take = min(max(room.get(day, 0.0), 0.0), left)
        if take > MIN_HOURS:
            placed[day] = take
            left -= take
    if left > MIN_HOURS and days:
        placed[days[-1]] = placed.get(days[-1], 0.0) + left
    return placed


def whole_units(parts: dict[date, float], rate: float, allowance: float = 1.0, spare: float = 0.0
                ) -> dict[date, tuple[float, float]]:
    """(units, hours) per day of one order's hours on a line: whole units started, adding up to all its hours' units
    times the scrap allowance, rounded up (the hours are gross of the product's trailing yield already: 11.3 units'
    hours start 12; the allowance covers a day below that yield); a day whose part rounds to no unit gets no task.
    spare: units each task starts on top (the floor reports whole good units, so each task may lose a part unit).
    No rate (no routing): the hours as they are, no units."""
    if rate <= 0:
        return {day: (0.0, hours) for day, hours in parts.items()}
    tasks, units, started = {}, 0.0, 0.0
    for day, hours in sorted(parts.items()):
        units += hours * rate * allowance
        whole = float(math.ceil(units - UNIT_ROUNDING)) - started
        if whole > 0:
            tasks[day] = (whole + spare, (whole + spare) / rate)
            started += whole
    return tasks


async def insert_day_tasks(
    session: AsyncSession, holdings: list[WeekHours], first_day: date, due: date, *, frozen_until: date,
    order_id: int | None = None, rush: bool = False,
) -> int:
    """Add the holdings as day tasks of the plan in force on the line's working days from first_day up to due
    (within first_day's week), earliest first; returns the number of tasks added (0 without a plan in force).

    A task inside the frozen window is marked frozen, so a replan of the running week keeps it. The tasks name
    the order they are made for (order_id), so the floor reports them against it: without it, what they made went
    to the sku's earliest promise, often a late order, and the order inserted for its date missed it.
    A rush order's tasks carry a make-up allowance (rush=True): they are its only run before its date, so they start
    units for a low day's yield (RUSH_ALLOWANCE_QUANTILE; at least the plant's allowance, a product made once or twice
    lately has no spread of its own) and one unit more each for the part unit the floor loses.
    """
    if not holdings or due < first_day:  # nothing to lay: the plan in force is not read
        return 0
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    if plan_id is None:
        return 0
    monday = week_start(first_day)
    lines = sorted({h.line_id for h in holdings})
    rates = {(line_id, product_id): rate for line_id, product_id, rate in (await session.execute(
        select(Routing.line_id, Routing.product_id, Routing.units_per_hour)
        .where(Routing.line_id.in_(lines)))).all()}
    allowances = await scrap_allowances(session, sorted({h.product_id for h in holdings}),
                                        RUSH_ALLOWANCE_QUANTILE if rush else ALLOWANCE_QUANTILE, plant_floor=rush)
    crews = dict((await session.execute(select(ProductionLine.id, ProductionLine.crew_size)
                                        .where(ProductionLine.id.in_(lines)))).all())
    added = 0
    for holding, placed in await _lay(session, plan_id, holdings, first_day, due):
        line_id = holding.line_id
        rate = rates.get((line_id, holding.product_id), 0.0)
        for day, (quantity, hours) in whole_units(placed, rate, allowances.get(holding.product_id, 1.0),
                                                  spare=1.0 if rush else 0.0).items():
            session.add(PlanItem(
                plan_id=plan_id, week=monday, day=day, line_id=line_id, product_id=holding.product_id,
                quantity=quantity, hours=hours, crew_hours=hours * float(crews.get(line_id, 1)),
                quantity_made=0.0, frozen=day <= frozen_until, order_id=order_id,
            ))
            added += 1
    return added


async def first_task_day(session: AsyncSession, holdings: list[WeekHours], first_day: date, due: date,
                         freed: Mapping[tuple[int, date], float] | None = None) -> date | None:
    """The earliest day insert_day_tasks would lay these holdings on, with the plan in force's day load as it is now
    less `freed` ((line id, day) -> hours of tasks the order may cut first; at most what they give up, so no later
    than the day the tasks are laid). None without a plan in force, or nothing to lay."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    if plan_id is None or not holdings or due < first_day:
        return None
    return min((day for _, placed in await _lay(session, plan_id, holdings, first_day, due, freed) for day in placed),
               default=None)


async def _lay(session: AsyncSession, plan_id: int, holdings: list[WeekHours], first_day: date, due: date,
               freed: Mapping[tuple[int, date], float] | None = None) -> list[tuple[WeekHours, dict[date, float]]]:
    """Each holding with its hours per day, on the line's working days from first_day up to due (within first_day's
    week), each day's room what the plan in force's tasks leave free (and `freed`) less the holdings before it."""
    monday = week_start(first_day)
    last = min(due, monday + timedelta(days=6))
    calendars = await line_weeks(session, sorted({h.line_id for h in holdings}), [monday])
    by_line: dict[int, list[WeekHours]] = defaultdict(list)
    for holding in holdings:
        by_line[holding.line_id].append(holding)
    laid: list[tuple[WeekHours, dict[date, float]]] = []
    for line_id, held in sorted(by_line.items()):
        calendar = calendars[line_id]
        days = [first_day + timedelta(days=d) for d in range((last - first_day).days + 1)]
        days = [day for day in days if calendar.day_hours(day) > 0] or days[-1:]
        load = await _day_load(session, plan_id, line_id, days)
        room = {day: calendar.day_hours(day) - load.get(day, 0.0) + (freed or {}).get((line_id, day), 0.0)
                for day in days}
        for holding in held:
            placed = spread(holding.hours, room, days)
            for day, hours in placed.items():
                room[day] -= hours
            laid.append((holding, placed))
    return laid
