"""Move hours an order holds on a line-week that lost capacity to the line's next free weeks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import CapacityLedger, CapacityReservation
from domain.orders.ledger import HOURS_TOLERANCE, CapacityTaken, load_ledger, take_hours

# How far ahead a moved promise may land; beyond it the order has no date the plant can keep.
SEARCH_WEEKS = 52
CHUNK_WEEKS = 8


async def _give_back(session: AsyncSession, reservation: CapacityReservation, hours: float) -> None:
    ledger = CapacityLedger.__table__.c
    column = "rush_hours_used" if reservation.from_reserve else "promised_hours"
    await session.execute(
        update(CapacityLedger)
        .where(ledger.line_id == reservation.line_id, ledger.week == reservation.week)
        .values({column: ledger[column] - hours})
        .execution_options(synchronize_session=False)
    )


async def _place(
    session: AsyncSession, template: CapacityReservation, hours: float, after: date, reserve_share: float
) -> list[CapacityReservation]:
    """Take `hours` of regular capacity on the same line, week by week after `after`, as far as they fit."""
    placed: list[CapacityReservation] = []
    left = hours
    first = after + timedelta(weeks=1)
    for chunk in range(0, SEARCH_WEEKS, CHUNK_WEEKS):
        weeks = [first + timedelta(weeks=chunk + i) for i in range(CHUNK_WEEKS)]
        view = await load_ledger(session, [template.line_id], weeks, reserve_share, weeks[0], create_missing=True)
        for wi, week in enumerate(weeks):
            take = min(float(view.free_residual[0, wi]), left)
            if take <= HOURS_TOLERANCE:
                continue
            moved = CapacityReservation(
                order_id=template.order_id, order_line_id=template.order_line_id, line_id=template.line_id,
                week=week, hours=take, quantity=template.quantity * take / template.hours, from_reserve=False,
            )
            try:
                await take_hours(session, moved)
            except CapacityTaken:
                continue  # another promise took it since the ledger was read: try the next week
            placed.append(moved)
            left -= take
            if left <= HOURS_TOLERANCE:
                return placed
    return placed


async def move_hours(
    session: AsyncSession, reservation: CapacityReservation, hours: float, reserve_share: float
) -> tuple[list[CapacityReservation], float]:
    """Release `hours` of the reservation and promise them again later; returns the new rows and hours unplaced.

    Hours that find no room within SEARCH_WEEKS stay on their week, over-promised and reported, since
    dropping them would leave an accepted order without capacity for its open quantity.
    """
    hours = min(hours, reservation.hours)
    unit_rate = reservation.quantity / reservation.hours if reservation.hours > 0 else 0.0
    template = CapacityReservation(
        order_id=reservation.order_id, order_line_id=reservation.order_line_id, line_id=reservation.line_id,
        week=reservation.week, hours=reservation.hours, quantity=reservation.quantity,
        from_reserve=reservation.from_reserve,
    )
    await _give_back(session, reservation, hours)
    reservation.hours -= hours
    reservation.quantity = reservation.hours * unit_rate
    await session.flush()
    placed = await _place(session, template, hours, reservation.week, reserve_share)
    unplaced = max(hours - sum(p.hours for p in placed), 0.0)
    if unplaced > HOURS_TOLERANCE:
        # Put the share that found no room back where it was (negative give-back = take again).
        await _give_back(session, reservation, -unplaced)
        reservation.hours += unplaced
        reservation.quantity = reservation.hours * unit_rate
    if reservation.hours <= HOURS_TOLERANCE:
        await session.delete(reservation)
    await session.flush()
    return placed, unplaced if unplaced > HOURS_TOLERANCE else 0.0
