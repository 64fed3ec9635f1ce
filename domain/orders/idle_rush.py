"""The ledger a rush order sees when it may take the running week's idle line hours (capacity policy
rush_takes_idle_hours): what the plan in force's day tasks leave free on its lines from the rush lead days up to its
requested date, charged to the line-week's rush reserve."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding
from domain.capacity.ledger import LedgerView
from domain.orders.frozen_rush import reserve_rows
from domain.planning import idle_day_hours
from rules import CapacityPolicy


@dataclass(frozen=True)
class IdleRush:
    """The view a rush promise on idle day hours is made on, and the first day the lines may make it."""

    view: LedgerView
    start: date


async def idle_rush_view(session: AsyncSession, view: LedgerView, policy: CapacityPolicy, today: date,
                         requested: date, earliest_day: date, given_back: Holding | None = None
                         ) -> IdleRush | None:
    """None when the policy keeps idle hours from rush orders, or the lead days leave the running week.

    The running week's reserve is its share of the days before the due date (frozen_rush.py), but the floor keeps
    each day's reserve share free and the plan rarely fills its days: a rush order due tomorrow may take the hours
    its lines have idle up to its date, as long as the line-week's reserve (whichever days it was meant for) and
    its hours left at all cover them. The frozen days count only when rush orders may use their reserve. The
    reservation checks the whole week's reserve (open share 1), so the running week offers reserve hours only: its
    regular hours stay with the views that check the open share."""
    if not policy.rush_takes_idle_hours:
        return None
    start = today + timedelta(days=policy.rush_lead_days)
    if not policy.rush_reserve_in_frozen_window:
        start = max(start, earliest_day)  # the frozen days stay as planned
    running = view.weeks[0]
    if week_start(start) != running or requested < start:
        return None
    idle = await idle_day_hours(session, view.line_ids, start, requested)
    held = await reserve_rows(session, view.line_ids, running)
    if given_back is not None:
        back = given_back.rush_used_back(running)
        held = {line_id: (reserve, used - back.get(line_id, 0.0)) for line_id, (reserve, used) in held.items()}
    residual, reserve = view.residual.copy(), view.reserve.copy()
    for li, line_id in enumerate(view.line_ids):
        reserved, used = held.get(line_id, (0.0, 0.0))  # no ledger row yet: nothing to charge
        week_left = reserved - used if view.left is None else min(reserved - used, float(view.left[li, 0]))
        reserve[li, 0] = max(min(idle.get(line_id, 0.0), week_left), 0.0)
        residual[li, 0] = 0.0
    claimed = None if view.claimed is None else view.claimed.copy()
    if claimed is not None:
        claimed[:, 0] = 0.0
    return IdleRush(dataclasses.replace(view, residual=residual, reserve=reserve, claimed=claimed,
                                        open_share=np.ones(len(view.line_ids))), start)
