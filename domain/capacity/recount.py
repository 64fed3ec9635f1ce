"""After a line's hours, working days or calendar change: the ledger's line-weeks from this week on are counted
again from the calendar, so the ledger keeps telling the truth (`sop check` clean) or the change is refused."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.capacity.calendar import week_start
from domain.capacity.forecast_hours import scale_statement
from domain.capacity.line_hours import line_weeks
from domain.errors import InUse
from domain.models import CapacityLedger, ProductionLine

TOLERANCE = 1e-4


async def recount_line_weeks(session: AsyncSession, line_ids: Sequence[int], reserve_share: float,
                             field: Sequence[str] | None = None) -> int:
    """Set each stored ledger row of these lines from the current week on to the calendar's hours (its rush
    reserve the policy's share of them); planned hours beyond the new regular room are cut (the next replan
    plans again). Hours already promised or taken from the reserve are never cut: a change that leaves them
    without room raises InUse naming the line and week (and `field`, the input that changed the hours).
    Returns the rows changed. Weeks past keep their hours."""
    first = week_start(clock.today())
    rows = list(await session.scalars(
        select(CapacityLedger).where(CapacityLedger.line_id.in_(sorted(set(line_ids))), CapacityLedger.week >= first)
        .order_by(CapacityLedger.line_id, CapacityLedger.week)))
    if not rows:
        return 0
    codes = dict((await session.execute(select(ProductionLine.id, ProductionLine.code)
                                        .where(ProductionLine.id.in_(line_ids)))).all())
    weeks = sorted({row.week for row in rows})
    calendar = await line_weeks(session, line_ids, weeks)
    changed = 0
    for row in rows:
        capacity = calendar[row.line_id].week_hours(row.week)
        reserve = capacity * reserve_share
        regular_room = max(capacity - reserve - row.lost_hours, 0.0)
        where = f"line {codes[row.line_id]}, week of {row.week.isoformat()}"
        if row.promised_hours > regular_room + TOLERANCE:
            raise InUse(f"{where}: open orders hold {row.promised_hours:.2f} h but only {regular_room:.2f} regular "
                        "hours would be left; move or cancel those orders first", field)
        if row.rush_hours_used > reserve + TOLERANCE or (
                row.promised_hours + row.rush_hours_used > capacity - row.lost_hours + TOLERANCE):
            raise InUse(f"{where}: rush orders hold {row.rush_hours_used:.2f} h of the reserve but only "
                        f"{reserve:.2f} h would be reserved; move or cancel those orders first", field)
        planned = min(row.planned_hours, max(regular_room - row.promised_hours, 0.0))
        if planned < row.planned_hours:
            # The skus' forecast hours are the planned hours split per sku: they shrink with them (as after an
            # incident or a broken promise), or they would add up to more than the week plans.
            await session.execute(scale_statement(row.line_id, row.week, planned / row.planned_hours))
        if (capacity, reserve, planned) != (row.capacity_hours, row.reserve_hours, row.planned_hours):
            row.capacity_hours, row.reserve_hours, row.planned_hours = capacity, reserve, planned
            changed += 1
    await session.flush()
    return changed
