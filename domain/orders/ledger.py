"""The capacity ledger as promises see it: free hours per line-week, and conditional reserve/release."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import dialect_insert
from domain.models import CapacityLedger, CapacityReservation, LineCalendarDay, ProductionLine

# Float sums of hours drift by tiny amounts; a promise that fits up to this is taken as fitting.
HOURS_TOLERANCE = 1e-6


class CapacityTaken(Exception):
    """A conditional UPDATE found the hours gone: another order took them since we read the ledger."""


@dataclass(frozen=True)
class LedgerView:
    """Free hours of the order's lines over the horizon, as [L, W] arrays in line_ids x weeks order."""

    line_ids: list[int]
    weeks: list[date]
    residual: np.ndarray  # regular hours still free: capacity - reserve - lost - planned - promised
    reserve: np.ndarray  # rush reserve still free (bounded by what the line has left at all)
    open_share: np.ndarray  # [L] share of the first week's hours outside the frozen window

    def line_index(self) -> dict[int, int]:
        return {line_id: i for i, line_id in enumerate(self.line_ids)}


def _day_hours(line: ProductionLine, day: date, exceptions: dict[tuple[int, date], float]) -> float:
    workdays = [i for i, flag in enumerate(line.working_days) if flag == "1"] or [0]
    usual = line.weekly_capacity_hours / len(workdays) if day.weekday() in workdays else 0.0
    return exceptions.get((line.id, day), usual)


async def _calendar(
    session: AsyncSession, lines: Sequence[ProductionLine], weeks: list[date], open_from: date
) -> tuple[dict[tuple[int, date], float], dict[int, float]]:
    """Calendar hours per line-week, and the share of the first week's hours on or after open_from."""
    end = weeks[-1] + timedelta(days=7)
    rows = await session.execute(
        select(LineCalendarDay.line_id, LineCalendarDay.day, LineCalendarDay.hours).where(
            LineCalendarDay.line_id.in_([line.id for line in lines]),
            LineCalendarDay.day >= weeks[0],
            LineCalendarDay.day < end,
        )
    )
    exceptions = {(line_id, day): hours for line_id, day, hours in rows}
    hours: dict[tuple[int, date], float] = {}
    shares: dict[int, float] = {}
    for line in lines:
        for week in weeks:
            days = [week + timedelta(days=d) for d in range(7)]
            hours[(line.id, week)] = sum(_day_hours(line, day, exceptions) for day in days)
        first = [week_day for week_day in (weeks[0] + timedelta(days=d) for d in range(7))]
        total = sum(_day_hours(line, day, exceptions) for day in first)
        open_hours = sum(_day_hours(line, day, exceptions) for day in first if day >= open_from)
        shares[line.id] = open_hours / total if total > 0 else 0.0
    return hours, shares


async def load_ledger(
    session: AsyncSession,
    line_ids: Sequence[int],
    weeks: list[date],
    reserve_share: float,
    open_from: date,
    *,
    create_missing: bool,
) -> LedgerView:
    """Read the ledger rows of these lines and weeks; rows not there yet come from the line calendars.

    create_missing inserts them (ON CONFLICT DO NOTHING, so concurrent creators agree); a dry run
    only imagines them. open_from: first day after the frozen window (the first week counts only
    from there).
    """
    ids = sorted(set(line_ids))
    lines = list((await session.scalars(select(ProductionLine).where(ProductionLine.id.in_(ids)))).all())
    calendar, shares = await _calendar(session, lines, weeks, open_from)
    found = {
        (row.line_id, row.week): row
        for row in (
            await session.scalars(
                select(CapacityLedger).where(
                    CapacityLedger.line_id.in_(ids), CapacityLedger.week >= weeks[0], CapacityLedger.week <= weeks[-1]
                )
            )
        ).all()
    }
    missing = [key for key in calendar if key not in found]
    if missing and create_missing:
        statement = dialect_insert(session.get_bind().dialect.name, CapacityLedger).on_conflict_do_nothing(
            index_elements=["line_id", "week"]
        )
        await session.execute(
            statement,
            [
                {"line_id": line_id, "week": week, "capacity_hours": calendar[(line_id, week)],
                 "reserve_hours": calendar[(line_id, week)] * reserve_share, "planned_hours": 0.0,
                 "promised_hours": 0.0, "rush_hours_used": 0.0, "lost_hours": 0.0}
                for line_id, week in missing
            ],
        )
        return await load_ledger(session, ids, weeks, reserve_share, open_from, create_missing=False)
    residual = np.zeros((len(ids), len(weeks)))
    reserve = np.zeros_like(residual)
    for li, line_id in enumerate(ids):
        for wi, week in enumerate(weeks):
            # Only the open days of the first week can be promised; promises there already sit in them.
            share = shares.get(line_id, 0.0) if wi == 0 else 1.0
            row = found.get((line_id, week))
            capacity = row.capacity_hours if row else calendar[(line_id, week)]
            reserved = row.reserve_hours if row else capacity * reserve_share
            lost, planned = (row.lost_hours, row.planned_hours) if row else (0.0, 0.0)
            promised, rush_used = (row.promised_hours, row.rush_hours_used) if row else (0.0, 0.0)
            residual[li, wi] = share * (capacity - reserved - lost - planned) - promised
            left = share * (capacity - lost - planned) - promised - rush_used
            reserve[li, wi] = min(share * reserved - rush_used, left)
    open_share = np.array([shares.get(line_id, 0.0) for line_id in ids])
    residual, reserve = np.maximum(residual, 0.0), np.maximum(reserve, 0.0)
    return LedgerView(ids, weeks, residual, reserve, open_share)


async def take_hours(
    session: AsyncSession, reservation: CapacityReservation
) -> None:
    """Add a reservation's hours to its line-week if they still fit; raise CapacityTaken if not."""
    ledger = CapacityLedger.__table__.c
    where = [ledger.line_id == reservation.line_id, ledger.week == reservation.week]
    h = reservation.hours
    if reservation.from_reserve:
        statement = update(CapacityLedger).where(
            *where,
            ledger.rush_hours_used + h <= ledger.reserve_hours + HOURS_TOLERANCE,
            ledger.planned_hours + ledger.promised_hours + ledger.rush_hours_used + h
            <= ledger.capacity_hours - ledger.lost_hours + HOURS_TOLERANCE,
        ).values(rush_hours_used=ledger.rush_hours_used + h)
    else:
        statement = update(CapacityLedger).where(
            *where,
            ledger.planned_hours + ledger.promised_hours + h
            <= ledger.capacity_hours - ledger.reserve_hours - ledger.lost_hours + HOURS_TOLERANCE,
        ).values(promised_hours=ledger.promised_hours + h)
    result = await session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise CapacityTaken(f"line {reservation.line_id} week {reservation.week} has no {h:.2f} free hours left")
    session.add(reservation)


async def reserve_all(session: AsyncSession, reservations: Sequence[CapacityReservation]) -> None:
    """Take every reservation, in (line, week) order so concurrent orders lock rows in one order."""
    for reservation in sorted(reservations, key=lambda r: (r.line_id, r.week, r.from_reserve)):
        await take_hours(session, reservation)
    await session.flush()


async def release_order(session: AsyncSession, order_id: int) -> list[CapacityReservation]:
    """Give back every hour an order holds and delete its reservations; returns what was released."""
    held = list(
        (
            await session.scalars(
                select(CapacityReservation)
                .where(CapacityReservation.order_id == order_id)
                .order_by(CapacityReservation.line_id, CapacityReservation.week)
            )
        ).all()
    )
    ledger = CapacityLedger.__table__.c
    for row in held:
        column = "rush_hours_used" if row.from_reserve else "promised_hours"
        await session.execute(
            update(CapacityLedger)
            .where(ledger.line_id == row.line_id, ledger.week == row.week)
            .values({column: ledger[column] - row.hours})
            .execution_options(synchronize_session=False)
        )
    if held:
        await session.execute(delete(CapacityReservation).where(CapacityReservation.order_id == order_id))
    return held
