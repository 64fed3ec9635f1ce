"""Day tasks a rush order due inside the running week may push to its lines' idle hours later in the week (capacity
policy rush_takes_idle_hours shift_tasks): the work is laid again after the rush order's date and before the dates its
units are needed, so no promise breaks and the week's hours in the ledger stay as they are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.line_hours import line_weeks
from domain.capacity.yields import NO_HISTORY, observed_yields
from domain.models import CurrentPlan, Order, Plan, PlanItem
from domain.planning.stock_tasks import MIN_SHARE, StockCut, units_spare


async def _later_room(session: AsyncSession, plan_id: int, line_ids: Sequence[int], first_day: date, last_day: date
                      ) -> dict[int, dict[date, float]]:
    """line id -> day -> hours the plan in force's tasks leave free, for its days first_day..last_day with any."""
    days = [first_day + timedelta(days=d) for d in range((last_day - first_day).days + 1)]
    calendars = await line_weeks(session, list(line_ids), [week_start(first_day)])
    load = {(line_id, day): float(hours or 0.0) for line_id, day, hours in (await session.execute(
        select(PlanItem.line_id, PlanItem.day, func.sum(PlanItem.hours))
        .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(list(line_ids)), PlanItem.day.in_(days))
        .group_by(PlanItem.line_id, PlanItem.day))).all() if day is not None}
    room: dict[int, dict[date, float]] = {}
    for line_id in line_ids:
        free = {day: calendars[line_id].day_hours(day) - load.get((line_id, day), 0.0) for day in days}
        room[line_id] = {day: hours for day, hours in free.items() if hours > MIN_SHARE}
    return room


def _lay(room: dict[date, float], hours: float, before: date | None) -> date | None:
    """The last day the hours take when laid on the room earliest first (days before `before` only); None if the
    room cannot hold them all. The room is not changed."""
    left = hours
    for day, free in room.items():
        if before is not None and day >= before:
            break
        left -= min(free, left)
        if left <= MIN_SHARE:
            return day
    return None


def _take(room: dict[date, float], hours: float) -> None:
    left = hours
    for day, free in room.items():
        take = min(free, left)
        room[day] -= take
        left -= take


async def shiftable_tasks(session: AsyncSession, line_ids: Sequence[int], today: date, first_day: date,
                          last_day: date, given: Sequence[StockCut], movable_tiers: Collection[str]) -> list[StockCut]:
    """The hours of the plan in force's day tasks from first_day to last_day (within the week) that the lines' idle
    hours after last_day can make instead, earliest first: tasks made for no order while the sku's waiting orders
    (due in the week, or holding hours in it) are still covered on every day until the work is made again, and
    tasks of orders of the movable priority tiers made again before their promised dates. `given`: the cuts already
    offered (postponed stock tasks, moved orders' tasks), whose hours and units count as gone."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    end = week_start(first_day) + timedelta(days=6)
    last_day = min(last_day, end)
    if plan_id is None or not line_ids or last_day < first_day or last_day >= end:
        return []
    room = await _later_room(session, plan_id, line_ids, last_day + timedelta(days=1), end)
    if not any(room.values()):
        return []
    rows = (await session.execute(
        select(PlanItem.id, PlanItem.line_id, PlanItem.product_id, PlanItem.day, PlanItem.quantity, PlanItem.hours,
               PlanItem.quantity_made, PlanItem.order_id, Order.promised_date)
        .outerjoin(Order, Order.id == PlanItem.order_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(list(line_ids)), PlanItem.day >= first_day,
               PlanItem.day <= last_day, PlanItem.hours > 0, PlanItem.quantity > PlanItem.quantity_made,
               or_(PlanItem.order_id.is_(None),
                   and_(Order.priority_tier.in_(list(movable_tiers)), Order.promised_date > last_day)))
        .order_by(PlanItem.day, PlanItem.line_id, PlanItem.id))).all()
    products = sorted({row.product_id for row in rows if row.order_id is None})
    yields = await observed_yields(session, products) if products else {}
    slack = await units_spare(session, plan_id, products, yields, today, end) if products else {}
    gone: dict[int, float] = defaultdict(float)
    for cut in given:
        gone[cut.task_id] += cut.hours
        for d in slack.get(cut.product_id, {}):
            if d >= cut.day:
                slack[cut.product_id][d] -= cut.hours * cut.units_per_hour * yields.get(cut.product_id, NO_HISTORY)
    cuts: list[StockCut] = []
    for task_id, line_id, product_id, day, quantity, hours, made, order_id, promised in rows:
        rate = float(quantity) / float(hours)
        give = float(hours) * (1 - float(made) / float(quantity)) - gone[task_id]
        # An order's units ship on its date: made again the day before at the latest.
        before: date | None = promised if order_id is not None else None
        free = sum(h for d, h in room[line_id].items() if before is None or d < before)
        give = min(give, free)
        if give <= MIN_SHARE or day is None:
            continue
        if order_id is None:
            # The sku's orders must be covered without these units on every day until they are made again.
            good = rate * yields.get(product_id, NO_HISTORY)
            back = _lay(room[line_id], give, None) or end
            lowest = min((s for d, s in slack[product_id].items() if day <= d < back), default=0.0)
            give = min(give, max(lowest, 0.0) / good)
            if give <= MIN_SHARE:
                continue
            back = _lay(room[line_id], give, None) or end
            for d in slack[product_id]:
                if day <= d < back:
                    slack[product_id][d] -= give * good
        elif _lay(room[line_id], give, before) is None:
            continue
        _take(room[line_id], give)
        cuts.append(StockCut(task_id, line_id, product_id, day, give, rate))
    return cuts


async def shift_tasks(session: AsyncSession, shifted: Sequence[tuple[StockCut, float]], after: date) -> None:
    """Take the hours off each task and lay them as tasks of the same sku (and order) on its line's days after
    `after` (within the week) that the plan's tasks leave free, earliest first; what no day holds goes on the last."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    end = week_start(after) + timedelta(days=6)
    if plan_id is None or not shifted or after >= end:
        return
    frozen_until = await session.scalar(select(Plan.frozen_until).where(Plan.id == plan_id))
    room = await _later_room(session, plan_id, sorted({cut.line_id for cut, _ in shifted}),
                             after + timedelta(days=1), end)
    for cut, hours in shifted:
        task = await session.get(PlanItem, cut.task_id)
        if task is None or task.hours <= 0:
            continue
        hours = min(hours, task.hours * (1 - task.quantity_made / task.quantity) if task.quantity > 0 else 0.0)
        if hours <= MIN_SHARE:
            continue
        crew_per_hour = task.crew_hours / task.hours
        task.quantity = max(task.quantity - hours * cut.units_per_hour, 0.0)
        task.crew_hours = task.crew_hours * (1 - hours / task.hours)
        task.hours = max(task.hours - hours, 0.0)
        slots = room.get(cut.line_id) or {end: 0.0}
        left = hours
        for i, (day, free) in enumerate(slots.items()):
            part = left if i == len(slots) - 1 else min(free, left)
            if part <= MIN_SHARE:
                continue
            slots[day] -= part
            left -= part
            session.add(PlanItem(
                plan_id=plan_id, week=task.week, day=day, line_id=cut.line_id, product_id=cut.product_id,
                quantity=part * cut.units_per_hour, hours=part, crew_hours=part * crew_per_hour, quantity_made=0.0,
                frozen=frozen_until is not None and day <= frozen_until, order_id=task.order_id))
            if left <= MIN_SHARE:
                break
