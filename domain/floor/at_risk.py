"""After a line-week lost hours: who gives way (lowest priority first), who is placed again first, who is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.capacity.forecast_hours import scale_statement
from domain.capacity.ledger import HOURS_TOLERANCE
from domain.events import kinds
from domain.events.outbox import Outbox
from domain.floor.alerts import late_order_key, raise_alert
from domain.floor.downtime import last_working_day
from domain.floor.floor_history import at_risk_event
from domain.floor.repromise import Displaced, place_again, release_hours
from domain.models import CapacityLedger, CapacityReservation, CustomerTier, Order, ProductionLine


@dataclass
class AtRisk:
    """An order whose hours moved: late when expected_date passes its promise (None: no room found)."""

    order: Order
    expected_date: date | None = None
    moved_hours: float = 0.0
    no_room: bool = False  # some hours found no free week within the search horizon

    @property
    def late(self) -> bool:
        promised = self.order.promised_date
        return self.expected_date is None or (promised is not None and self.expected_date > promised)


def move_first(order: Order) -> tuple[bool, bool, float, int, int]:
    """Sort key: who gives way first; reversed, who is served first. Strategic customers last, rush orders
    late, then by the priority rule set's score; among equals the order with the latest promise (the most
    slack) moves first."""
    promised = order.promised_date.toordinal() if order.promised_date else 0
    return (order.customer.tier is CustomerTier.STRATEGIC, order.rush, order.priority_score, -promised, -order.id)


async def _ledger(session: AsyncSession, line_id: int, week: date) -> CapacityLedger | None:
    return await session.scalar(
        select(CapacityLedger)
        .where(CapacityLedger.line_id == line_id, CapacityLedger.week == week)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def _holders(session: AsyncSession, line_id: int, week: date) -> list[tuple[CapacityReservation, Order]]:
    rows = await session.execute(
        select(CapacityReservation, Order)
        .join(Order, Order.id == CapacityReservation.order_id)
        .where(CapacityReservation.line_id == line_id, CapacityReservation.week == week)
        .options(selectinload(Order.customer))
        .order_by(CapacityReservation.id)
    )
    pairs = [(r, o) for r, o in rows]
    return sorted(pairs, key=lambda pair: move_first(pair[1]))


async def displace_line_week(session: AsyncSession, line: ProductionLine, week: date) -> list[Displaced]:
    """Give back the hours the line-week can no longer make; returns them, to be placed again.

    Planned (forecast) hours give way first, since a firm order outranks stock; then regular
    promises, then rush promises held in the reserve, each lowest priority first.
    """
    row = await _ledger(session, line.id, week)
    if row is None:
        return []
    regular_room = max(row.capacity_hours - row.reserve_hours - row.lost_hours, 0.0)
    planned = min(row.planned_hours, max(regular_room - row.promised_hours, 0.0))
    if planned < row.planned_hours:
        ratio = planned / row.planned_hours  # before the UPDATE, which refreshes row
        await session.execute(update(CapacityLedger).where(CapacityLedger.id == row.id).values(planned_hours=planned))
        await session.execute(scale_statement(line.id, week, ratio))
    displaced: list[Displaced] = []
    regular_over = row.promised_hours - regular_room
    total_over = planned + row.promised_hours + row.rush_hours_used - max(row.capacity_hours - row.lost_hours, 0.0)
    for reservation, order in await _holders(session, line.id, week):
        over = total_over if reservation.from_reserve else max(regular_over, total_over)
        if over <= HOURS_TOLERANCE:
            continue
        given = await release_hours(session, order, reservation, min(reservation.hours, over))
        displaced.append(given)
        total_over -= given.hours
        if not reservation.from_reserve:
            regular_over -= given.hours
    return displaced


async def place_by_priority(
    session: AsyncSession, displaced: list[Displaced], after: date, reserve_share: float
) -> dict[int, AtRisk]:
    """Place displaced hours again, highest priority first, so the highest tiers take the earliest free hours.

    Everyone searches from the same week (after `after`, the first week that lost hours): a lower tier
    never finds a free week a higher tier skipped. Returns the orders whose hours moved, in the order
    they gave way.
    """
    moved: dict[int, AtRisk] = {}
    for given in displaced:
        moved.setdefault(given.order.id, AtRisk(given.order))
    # Stable: one order's holdings stay together, in the order they were displaced.
    for given in sorted(displaced, key=lambda d: move_first(d.order), reverse=True):
        unplaced = await place_again(session, given, after, reserve_share)
        entry = moved[given.order.id]
        entry.moved_hours += given.hours - unplaced
        entry.no_room = entry.no_room or unplaced > 0
    return moved


async def expected_dates(session: AsyncSession, line: ProductionLine, moved: dict[int, AtRisk]) -> None:
    """An order is ready when the last week holding its hours ends (on the line's last working day)."""
    if not moved:
        return
    rows = await session.execute(
        select(CapacityReservation.order_id, CapacityReservation.week).where(
            CapacityReservation.order_id.in_(list(moved))
        )
    )
    last: dict[int, date] = {}
    for order_id, week in rows:
        last[order_id] = max(week, last.get(order_id, week))
    for order_id, entry in moved.items():
        if not entry.no_room and order_id in last:
            entry.expected_date = last_working_day(line, last[order_id])


async def tell_sales(
    session: AsyncSession, outbox: Outbox, moved: dict[int, AtRisk], cause: str, actor: str, line_id: int | None = None
) -> list[AtRisk]:
    """AT_RISK (with the new expected date) for orders now late, MOVED for the ones still on time."""
    late: list[AtRisk] = []
    for entry in moved.values():
        event = at_risk_event(session, entry.order, entry.expected_date, entry.late, cause, actor)
        outbox.order_events.append(event)
        if not entry.late:
            continue
        late.append(entry)
        when = entry.expected_date.isoformat() if entry.expected_date else "not within a year"
        await raise_alert(
            session, outbox, kind=kinds.LATE_ORDER, severity=kinds.CRITICAL if entry.order.rush else kinds.WARNING,
            message=f"order {entry.order.code} at risk after {cause}: expected {when}, "
            f"promised {entry.order.promised_date.isoformat() if entry.order.promised_date else '-'}",
            dedup_key=late_order_key(entry.order.code), order_id=entry.order.id,
            customer_id=entry.order.customer_id, line_id=line_id,
        )
    return late
