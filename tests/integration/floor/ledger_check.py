"""The capacity ledger's invariants, checked at the end of floor scenarios (until domain/planning/checks.py lands)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import CapacityLedger, CapacityReservation

TOLERANCE = 1e-6


async def ledger_problems(session: AsyncSession) -> list[str]:
    held: dict[tuple[int, object, bool], float] = defaultdict(float)
    for r in await session.scalars(select(CapacityReservation).execution_options(populate_existing=True)):
        held[(r.line_id, r.week, r.from_reserve)] += r.hours
    problems = []
    for row in await session.scalars(select(CapacityLedger).execution_options(populate_existing=True)):
        regular, rush = held[(row.line_id, row.week, False)], held[(row.line_id, row.week, True)]
        if abs(regular - row.promised_hours) > TOLERANCE or abs(rush - row.rush_hours_used) > TOLERANCE:
            problems.append(f"{row.line_id}/{row.week}: reservations {regular}/{rush} vs ledger "
                            f"{row.promised_hours}/{row.rush_hours_used}")
        room = row.capacity_hours - row.reserve_hours - row.lost_hours
        if row.planned_hours + row.promised_hours > room + TOLERANCE:
            used = row.planned_hours + row.promised_hours
            problems.append(f"{row.line_id}/{row.week}: over-promised {used} > {room}")
    return problems
