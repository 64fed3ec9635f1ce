"""The ledger a rush order sees inside the frozen window (R14, R15): the rush reserve of the frozen days, when the
capacity policy gives it to rush orders, from the day the policy's lead time allows up to the requested date."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding
from domain.capacity.ledger import LedgerView, load_ledger
from domain.capacity.line_hours import line_weeks
from domain.models import CapacityLedger
from rules import CapacityPolicy


@dataclass(frozen=True)
class FrozenRush:
    """The view a rush promise inside the window is made on, and the first day the lines may make it."""

    view: LedgerView
    start: date


async def reserve_rows(session: AsyncSession, line_ids: list[int], week: date) -> dict[int, tuple[float, float]]:
    """line id -> (reserve hours, rush hours used) of the running week, as the ledger holds them."""
    rows = await session.execute(
        select(CapacityLedger.line_id, CapacityLedger.reserve_hours, CapacityLedger.rush_hours_used)
        .where(CapacityLedger.line_id.in_(line_ids), CapacityLedger.week == week))
    return {line_id: (float(reserve), float(used)) for line_id, reserve, used in rows.all()}


async def frozen_rush_view(session: AsyncSession, view: LedgerView, policy: CapacityPolicy, today: date,
                           requested: date, earliest_day: date, given_back: Holding | None = None) -> FrozenRush | None:
    """None when the policy keeps the reserve of the frozen days from rush orders, or no frozen day is left.

    In the running week the rush order gets the reserve of the days from today + lead days up to its requested
    date (not the whole week's: a promise for Tuesday cannot count Friday's hours), and the regular hours only
    after the window, as every order; later weeks are as the plain view has them.
    given_back: what an order decided again holds (counted free).
    """
    if not policy.rush_reserve_in_frozen_window:
        return None
    start = today + timedelta(days=policy.rush_lead_days)
    running = view.weeks[0]
    if start >= earliest_day or week_start(start) != running:
        return None
    wide = await load_ledger(session, view.line_ids, view.weeks, policy.reserve_share, start, create_missing=False,
                             given_back=given_back)
    calendars = await line_weeks(session, view.line_ids, [running])
    held = await reserve_rows(session, view.line_ids, running)
    if given_back is not None:
        back = given_back.rush_used_back(running)
        held = {line_id: (reserve, used - back.get(line_id, 0.0)) for line_id, (reserve, used) in held.items()}
    due = min(requested, running + timedelta(days=6))
    reserve, residual = wide.reserve.copy(), view.residual.copy()
    for li, line_id in enumerate(view.line_ids):
        calendar = calendars[line_id]
        # The reserve of the days from start to due; the rush hours the week has used may sit on those days.
        window = calendar.open_share(running, start) - calendar.open_share(running, due + timedelta(days=1))
        reserved, used = held.get(line_id, (calendar.week_hours(running) * policy.reserve_share, 0.0))
        reserve[li, 0] = min(window * reserved - used, wide.reserve[li, 0]) if due >= start else 0.0
        if requested < earliest_day:
            residual[li, 0] = 0.0  # regular hours open only after the window
    return FrozenRush(dataclasses.replace(view, residual=residual, reserve=reserve, open_share=wide.open_share), start)
