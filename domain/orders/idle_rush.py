"""The ledger a rush order sees when it may take the running week's idle line hours (capacity policy
rush_takes_idle_hours): what the plan in force's day tasks leave free on its lines from the rush lead days up to its
requested date, charged to the line-week's rush reserve."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding
from domain.capacity.ledger import HOURS_TOLERANCE, LedgerView
from domain.orders.frozen_rush import reserve_rows
from domain.orders.promise import OrderPromise
from domain.planning import (
    StockCut,
    StockHours,
    any_working_day,
    idle_day_hours,
    movable_order_tasks,
    overtime_day_hours,
    replaceable_stock_hours,
    shift_tasks,
    shiftable_tasks,
    trim_stock_tasks,
)
from rules import CapacityPolicy


@dataclass(frozen=True)
class Postponable:
    """Hours idle on each line up to the date, and the tasks that may give up more (earliest first); overtime: the
    hours each line may still work beyond its regular ones this week (what the cuts leave the promise to make)."""

    idle: dict[int, float]
    cuts: list[StockCut]
    overtime: dict[int, float] = dataclasses.field(default_factory=dict)
    shifted: frozenset[int] = frozenset()  # indexes of the cuts laid again after the date (rush_shifts_tasks)
    due: date | None = None  # the rush order's date: shifted work goes on the days after it
    # line id -> hours the line-week's capacity in the ledger may grow by, as the floor works them in overtime
    # (rush_overtime_adds_hours); empty: the ledger's hours bound the promise as they are.
    adds_hours: dict[int, float] = dataclasses.field(default_factory=dict)


def floor_hours(postponable: Postponable, line_id: int) -> float:
    """Hours the line has for the order within its days' regular hours: idle, and what the cuts give up."""
    return postponable.idle.get(line_id, 0.0) + sum(cut.hours for cut in postponable.cuts if cut.line_id == line_id)


@dataclass(frozen=True)
class IdleRush:
    """The view a rush promise on idle day hours is made on, the first day the lines may make it, and the tasks it
    may postpone."""

    view: LedgerView
    start: date
    postponable: Postponable

    def within_reserve(self) -> LedgerView:
        """The view without the running week's regular hours beyond the reserve (rush_beyond_reserve): the stock
        tasks' view adds its own regular hours there, and only the reserve's are postponed for it."""
        residual = self.view.residual.copy()
        residual[:, 0] = 0.0
        return dataclasses.replace(self.view, residual=residual)


async def idle_rush_view(session: AsyncSession, view: LedgerView, policy: CapacityPolicy, today: date,
                         requested: date, earliest_day: date, given_back: Holding | None = None,
                         movable_tiers: Collection[str] = ()) -> IdleRush | None:
    """None when the policy keeps idle hours from rush orders, or the lead days leave the running week.

    The running week's reserve is its share of the days before the due date (frozen_rush.py), but the floor keeps
    each day's reserve share free and the plan rarely fills its days: a rush order due tomorrow may take the hours
    its lines have idle up to its date, as long as the line-week's reserve (whichever days it was meant for) and
    its hours left at all cover them. The frozen days count only when rush orders may use their reserve. The
    reservation checks the whole week's reserve (open share 1), so the running week offers reserve hours only: its
    regular hours stay with the views that check the open share.
    movable_tiers: the priority tiers whose orders' day tasks this rush order may move (rush_moves_order_tasks)."""
    if not policy.rush_takes_idle_hours:
        return None
    start = today + timedelta(days=policy.rush_lead_days)
    if not policy.rush_reserve_in_frozen_window:
        start = max(start, earliest_day)  # the frozen days stay as planned
    running = view.weeks[0]
    if week_start(start) != running or requested < start:
        return None
    # With overtime_same_day the lines may work it on the day of arrival, after that day's tasks, when no line of the
    # order works a day from the lead days to the date (received on Friday for Saturday on a five-day line); with
    # same_day_tasks that day's idle hours and tasks count first, as the lead days' would (the afternoon makes it).
    same_day = (policy.rush_takes_overtime and policy.rush_overtime_same_day and week_start(today) == running
                and start > today and not await any_working_day(session, view.line_ids, start, requested))
    first = today if same_day and policy.rush_same_day_tasks else start
    idle = await idle_day_hours(session, view.line_ids, first, requested)
    later = await replaceable_stock_hours(session, view.line_ids, today, first, requested, forecast_only=False) \
        if policy.rush_postpones_tasks else StockHours([], [])
    moved: list[StockCut] = []
    if policy.rush_moves_order_tasks:
        after = running + timedelta(days=6 + policy.rush_move_slack_days)
        moved = await movable_order_tasks(session, view.line_ids, first, requested, after, movable_tiers)
    # Stock tasks give up their hours first, then orders' tasks; then the tasks the days after the date can make again.
    cuts = later.cuts + moved
    shifted: frozenset[int] = frozenset()
    if policy.rush_shifts_tasks:
        shifts = await shiftable_tasks(session, view.line_ids, today, first, requested, cuts, movable_tiers)
        shifted = frozenset(range(len(cuts), len(cuts) + len(shifts)))
        cuts = cuts + shifts
    postponable = dict(idle)
    for cut in cuts:
        postponable[cut.line_id] = postponable.get(cut.line_id, 0.0) + cut.hours
    # Overtime last (it costs): the floor works the rush task beyond the day's hours (insert_day_tasks lays what no
    # day has room for on the last day). The hours are still charged to the line-week's reserve below.
    # Only for an order due in the running week: one due in weeks has its own week's hours, and overtime spent now
    # for it leaves none to the orders due tomorrow.
    in_week = requested <= running + timedelta(days=6)
    overtime = await overtime_day_hours(session, view.line_ids, today if same_day else start, requested,
                                        policy.overtime_share) if policy.rush_takes_overtime and in_week else {}
    for line_id, hours in overtime.items():
        postponable[line_id] = postponable.get(line_id, 0.0) + hours
    # Overtime worked is hours the line-week has beyond its regular ones: its capacity and rush reserve in the ledger
    # may grow by them where the reserve cannot hold the order (overtime_into_ledger writes it with the promise). Only
    # where the ledger holds the floor's own hours (idle, postponed, shifted) first: the line works overtime only
    # beyond those, so the week never gains more than the floor works.
    adds = {line_id: hours for line_id, hours in overtime.items()
            if policy.rush_overtime_adds_hours and view.left is not None
            and float(view.left[view.line_ids.index(line_id), 0]) + HOURS_TOLERANCE >= floor_hours(
                Postponable(idle, cuts), line_id)}
    held = await reserve_rows(session, view.line_ids, running)
    if given_back is not None:
        back = given_back.rush_used_back(running)
        held = {line_id: (reserve, used - back.get(line_id, 0.0)) for line_id, (reserve, used) in held.items()}
    residual, reserve = view.residual.copy(), view.reserve.copy()
    for li, line_id in enumerate(view.line_ids):
        reserved, used = held.get(line_id, (0.0, 0.0))  # no ledger row yet: nothing to charge
        whole = reserved - used if view.left is None else float(view.left[li, 0])  # the line-week's hours left
        room = postponable.get(line_id, idle.get(line_id, 0.0))
        # Overtime the ledger's week may gain (overtime_adds_hours) is rush capacity: capacity and reserve grow alike.
        add = adds.get(line_id, 0.0)
        reserve[li, 0] = max(min(room, reserved - used + add, whole + add), 0.0)
        # The floor has the hours (idle, postponed, overtime) but the reserve is spent: the rest of the week's regular
        # hours the ledger holds for nobody (frozen days too, as the week's reserve; open share 1 below).
        residual[li, 0] = max(min(room - reserve[li, 0], whole - max(reserved - used, 0.0)), 0.0) \
            if policy.rush_beyond_reserve else 0.0
    claimed = None if view.claimed is None else view.claimed.copy()
    if claimed is not None:
        claimed[:, 0] = 0.0
    return IdleRush(dataclasses.replace(view, residual=residual, reserve=reserve, claimed=claimed,
                                        open_share=np.ones(len(view.line_ids))), today if same_day else start,
                   Postponable(idle, cuts, overtime, shifted, requested, adds))


async def postpone_tasks(session: AsyncSession, postponable: Postponable | None, promise: OrderPromise,
                         tasks_from: date | None, *, regular_too: bool = False) -> None:
    """Cut the postponable tasks by the reserve hours the promise takes on each line in the running week beyond the
    line's idle hours, earliest first, so the order's own task takes their place on the days before its date.
    regular_too: its regular hours of the running week count too (the idle view's beyond the reserve; not when stock
    tasks gave those up already)."""
    if postponable is None or not postponable.cuts or tasks_from is None:
        return
    taken: dict[tuple[int, int], float] = defaultdict(float)
    moved: list[tuple[StockCut, float]] = []
    for i, hours in cuts_taken(postponable, promise, tasks_from, regular_too=regular_too).hours.items():
        cut = postponable.cuts[i]
        if i in postponable.shifted:
            moved.append((cut, hours))
        else:
            taken[(cut.line_id, cut.product_id)] += hours
    await trim_stock_tasks(session, [cut for i, cut in enumerate(postponable.cuts) if i not in postponable.shifted],
                           taken)
    if moved and postponable.due is not None:
        await shift_tasks(session, moved, postponable.due)


@dataclass(frozen=True)
class CutsTaken:
    """What a promise takes of its running week's floor beyond the lines' idle hours: hours per postponable cut
    (by index, earliest first), and per line the hours neither idle nor the cuts hold (the overtime it offered)."""

    hours: dict[int, float]
    beyond: dict[int, float]


def cuts_taken(postponable: Postponable, promise: OrderPromise, tasks_from: date, *,
               regular_too: bool = False) -> CutsTaken:
    """The one reading of which tasks give up hours to the promise: postpone_tasks cuts them, rush_adjustment
    charges them (regular_too as in postpone_tasks)."""
    running = week_start(tasks_from)
    over: dict[int, float] = defaultdict(float)
    for line in promise.lines:
        for use in line.uses:
            if use.week == running and (use.from_reserve or regular_too):
                over[use.line_id] += use.hours
    for line_id, hours in postponable.idle.items():
        over[line_id] -= hours
    taken: dict[int, float] = {}
    for i, cut in enumerate(postponable.cuts):
        hours = min(cut.hours, over[cut.line_id])
        if hours > 0:
            taken[i] = hours
            over[cut.line_id] -= hours
    return CutsTaken(taken, {line_id: hours for line_id, hours in over.items() if hours > HOURS_TOLERANCE})
