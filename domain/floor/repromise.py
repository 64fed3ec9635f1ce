"""Hours displaced from a line-week that lost capacity: give them back, then promise them in the next free weeks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.ledger import HOURS_TOLERANCE, CapacityTaken, load_ledger, take_hours
from domain.models import CapacityLedger, CapacityReservation, Order

# How far ahead a moved promise may land; beyond it the order has no date the plant can keep.
SEARCH_WEEKS = 52
CHUNK_WEEKS = 8


@dataclass
class Displaced:
    """Hours an order gave back on a line-week, waiting to be placed again (`reservation` keeps the rest)."""

    order: Order
    reservation: CapacityReservation
    hours: float
    units_per_hour: float


async def _give_back(session: AsyncSession, reservation: CapacityReservation, hours: float) -> None:
    ledger = CapacityLedger.__table__.c
    column = "rush_hours_used" if reservation.from_reserve else "promised_hours"
    await session.execute(
        update(CapacityLedger)
        .where(ledger.line_id == reservation.line_id, ledger.week == reservation.week)
        .values({column: ledger[column] - hours})
        .execution_options(synchronize_session=False)
    )


async def release_hours(
    session: AsyncSession, order: Order, reservation: CapacityReservation, hours: float
) -> Displaced:
    """Give `hours` of the reservation back to its line-week; the row stays (maybe at 0 h) until placed."""
    hours = min(hours, reservation.hours)
    rate = reservation.quantity / reservation.hours if reservation.hours > 0 else 0.0
    await _give_back(session, reservation, hours)
    reservation.hours -= hours
    reservation.quantity = reservation.hours * rate
    reservation.forecast_hours = min(reservation.forecast_hours, reservation.hours)  # the hours given up go first
    return Displaced(order, reservation, hours, rate)


async def _place(session: AsyncSession, displaced: Displaced, after: date, reserve_share: float) -> float:
    """Take regular hours on the same line, week by week after `after`, as far as they fit; returns hours placed."""
    held = displaced.reservation
    left = displaced.hours
    first = after + timedelta(weeks=1)
    for chunk in range(0, SEARCH_WEEKS, CHUNK_WEEKS):
        weeks = [first + timedelta(weeks=chunk + i) for i in range(CHUNK_WEEKS)]
        view = await load_ledger(session, [held.line_id], weeks, reserve_share, weeks[0], create_missing=True)
        for wi, week in enumerate(weeks):
            take = min(float(view.free_residual[0, wi]), left)
            if take <= HOURS_TOLERANCE:
                continue
            moved = CapacityReservation(
                order_id=held.order_id, order_line_id=held.order_line_id, line_id=held.line_id,
                week=week, hours=take, quantity=take * displaced.units_per_hour, from_reserve=False,
            )
            try:
                await take_hours(session, moved)
            except CapacityTaken:
                continue  # another promise took it since the ledger was read: try the next week
            left -= take
            if left <= HOURS_TOLERANCE:
                return displaced.hours
    return displaced.hours - left


async def place_again(session: AsyncSession, displaced: Displaced, after: date, reserve_share: float) -> float:
    """Promise displaced hours in the earliest free weeks after `after`; returns the hours left unplaced.

    Hours that find no room within SEARCH_WEEKS go back on their week, over-promised and reported, since
    dropping them would leave an accepted order without capacity for its open quantity.
    """
    unplaced = max(displaced.hours - await _place(session, displaced, after, reserve_share), 0.0)
    held = displaced.reservation
    if unplaced > HOURS_TOLERANCE:
        await _give_back(session, held, -unplaced)  # a negative give-back takes the hours again
        held.hours += unplaced
        held.quantity = held.hours * displaced.units_per_hour
    if held.hours <= HOURS_TOLERANCE:
        await session.delete(held)
    await session.flush()
    return unplaced if unplaced > HOURS_TOLERANCE else 0.0
