"""The overtime a rush order is made in, as rush hours of its line-week in the ledger (capacity policy
rush_takes_idle_hours overtime_adds_hours): the floor works them beyond the days' hours, so the week has them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding, LedgerRows
from domain.capacity.ledger import HOURS_TOLERANCE, ledger_rows
from domain.models import CapacityLedger
from domain.orders.idle_rush import Postponable
from domain.orders.promise import OrderPromise


async def overtime_into_ledger(session: AsyncSession, postponable: Postponable | None, promise: OrderPromise,
                               tasks_from: date | None, release: Holding | None = None) -> None:
    """Grow each line's running-week capacity and rush reserve in the ledger by the reserve hours the promise takes
    beyond what the line-week's reserve (and its hours at all) have left (rush_overtime_adds_hours), at most the
    overtime the idle view offered, before its hours are taken: the floor works them beyond the days' hours
    (insert_day_tasks), so the ledger counts them as the week's rush hours. The idle view offered them only where the
    ledger holds the floor's own idle and given-up hours, so the week gains no more than the line works in overtime.
    release: what the order, decided again, gives back in the same pass (counted free)."""
    if postponable is None or not postponable.adds_hours or tasks_from is None:
        return
    running = week_start(tasks_from)
    regular: dict[int, float] = defaultdict(float)
    rush: dict[int, float] = defaultdict(float)
    for line in promise.lines:
        for use in line.uses:
            if use.week == running and use.line_id in postponable.adds_hours:
                (rush if use.from_reserve else regular)[use.line_id] += use.hours
    lines = sorted(rush)
    if not lines:
        return
    rows: LedgerRows = await ledger_rows(session, lines, [running])
    if release is not None:
        rows = release.freed(rows)
    for line_id in lines:
        if (line_id, running) not in rows:
            continue
        capacity, reserved, lost, planned, promised, rush_used = rows[(line_id, running)]
        # Short on the reserve and on the line-week's hours at all, as the ledger's conditional UPDATE tests the
        # reserve hours (open share 1: the idle view's).
        short = max(rush_used + rush[line_id] - reserved,
                    planned + promised + rush_used + regular[line_id] + rush[line_id] - (capacity - lost), 0.0)
        adds = min(short, postponable.adds_hours[line_id])
        if adds > HOURS_TOLERANCE:
            await session.execute(update(CapacityLedger).where(
                CapacityLedger.line_id == line_id, CapacityLedger.week == running)
                .values(capacity_hours=CapacityLedger.capacity_hours + adds,
                        reserve_hours=CapacityLedger.reserve_hours + adds))
