"""Book the open orders of a loaded plant on the capacity ledger through the promise path createOrder uses.

Orders that arrive with a plant (the demo, an import) were promised elsewhere: they hold no hours here. Each
open order is promised again on the ledger, highest priority first and then by promised date, so the
orders that matter most take the earliest free hours; an order whose date the lines cannot keep gets the
date they can (an AT_RISK event says so) instead of a promise nobody holds hours for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.capacity.calendar import frozen_until, weeks_from
from domain.capacity.ledger import load_ledger, reserve_all
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import CapacityReservation, Delivery, DeliveryStatus, Order, OrderStatus
from domain.orders.batch_review import Verdict
from domain.orders.context import load_order_context
from domain.orders.finished_goods import StockCover
from domain.orders.production_orders import raise_for_order
from domain.orders.promise import build_ctp, promise_order

# Orders that hold hours for what is still to be made (IN_PRODUCTION keeps its hours until made).
OPEN = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION)
# Far enough for the open book of a plant loaded near its limit; createOrder looks 16 weeks ahead.
BOOKING_WEEKS = 52


@dataclass
class BookingReport:
    booked: int = 0
    moved: list[str] = field(default_factory=list)  # codes of orders whose promise moved later
    unplaced: list[str] = field(default_factory=list)  # codes with hours beyond BOOKING_WEEKS
    reviewed: int = 0  # orders the review rules saw (a batch booking with a rule book: an import)
    flagged: list[Verdict] = field(default_factory=list)  # of those, the ones the rules would not accept as they are


async def book_open_orders(session: AsyncSession, today: date, reserve_share: float, frozen_days: int,
                           actor: str | None = None) -> BookingReport:
    """Reserve hours for every open order that holds none, in priority order; runs in the caller's transaction."""
    held = select(CapacityReservation.order_id)
    orders = (await session.scalars(
        select(Order)
        .where(Order.status.in_(OPEN), Order.id.not_in(held))
        .options(selectinload(Order.lines), selectinload(Order.customer))
        .order_by(Order.priority_score.desc(), Order.promised_date, Order.id)
    )).all()
    report = BookingReport()
    earliest_day = max(today, frozen_until(today, frozen_days) + timedelta(days=1))
    weeks = weeks_from(today, BOOKING_WEEKS)
    for order in orders:
        lines = sorted(order.lines, key=lambda ln: ln.line_no)
        open_lines = [(ln, ln.quantity_to_make) for ln in lines if ln.quantity_to_make > 1e-9]
        if not open_lines:
            continue
        context = await load_order_context(session, order.customer, [ln.product_id for ln, _ in open_lines])
        if not context.line_ids:
            report.unplaced.append(order.code)  # no line makes it: nothing to hold
            continue
        view = await load_ledger(session, context.line_ids, weeks, reserve_share, earliest_day, create_missing=True)
        ctp, rates = build_ctp(view, context)
        promised = order.promised_date or order.requested_date
        promise = promise_order(ctp, rates, view, StockCover.none([q for _, q in open_lines], earliest_day), promised,
                                earliest_day, use_reserve=order.rush)
        reservations = promise.reservations(order.id, [ln.id for ln, _ in open_lines])
        await reserve_all(session, reservations, promise.open_shares)
        # What the lines must make for it, as createOrder raises it (R11).
        await raise_for_order(session, order, [ln for ln, _ in open_lines], [q for _, q in open_lines], reservations)
        report.booked += 1
        ready = promise.ready_date
        if ready is None:
            report.unplaced.append(order.code)
        elif ready > promised:
            await _move_promise(session, order, [(ln.id, q) for ln, q in open_lines], promised, ready, actor)
            report.moved.append(order.code)
    return report


async def _move_promise(session: AsyncSession, order: Order, open_lines: list[tuple[int, float]], was: date,
                        ready: date, actor: str | None) -> None:
    """The promise the lines can keep: one delivery per open line on the ready day, and the event saying so."""
    await session.execute(delete(Delivery).where(Delivery.order_id == order.id,
                                                 Delivery.status == DeliveryStatus.PROMISED))
    session.add_all(Delivery(order_id=order.id, order_line_id=line_id, quantity=quantity, date=ready,
                             status=DeliveryStatus.PROMISED) for line_id, quantity in open_lines)
    order.promised_date = ready
    record_order_event(session, order, kinds.AT_RISK, actor=actor,
                       message=f"the lines can make it by {ready.isoformat()}, not by {was.isoformat()}",
                       before={"promised_date": was.isoformat()}, after={"promised_date": ready.isoformat()})
