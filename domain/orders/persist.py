"""Write a review's consequences: order fields, review row, deliveries, stock and hours held, moved orders, rush."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import held_rows
from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding
from domain.capacity.ledger import create_rows, release_order, reserve_all
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import (
    CapacityReservation,
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderReview,
    OrderStatus,
    ReviewDecision,
    RushInsertion,
    utcnow,
)
from domain.orders.assess import Assessment
from domain.orders.finished_goods import take_stock
from domain.orders.idle_rush import postpone_tasks
from domain.orders.negotiation_open import open_negotiations
from domain.orders.new_rows import NewDelivery
from domain.orders.overtime_rush import overtime_into_ledger
from domain.orders.production_orders import raise_for_order, replaced_by_released
from domain.orders.promise import OrderPromise
from domain.orders.results import ReviewResult
from domain.orders.rush_adjustment import RushAdjustment, rush_adjustment
from domain.orders.stock_rush import replace_stock_tasks
from domain.planning import WeekHours, insert_day_tasks

REVIEWS, DELIVERIES = cast(Table, OrderReview.__table__), cast(Table, Delivery.__table__)
# Built once (held_rows keeps a held statement's compiled form by its id).
ADD_REVIEW, ADD_DELIVERIES = insert(REVIEWS), insert(DELIVERIES)
DROP_DELIVERIES = delete(DELIVERIES).where(DELIVERIES.c.order_id == bindparam("order_id"))
STATUS_OF = {
    ReviewDecision.ACCEPT: OrderStatus.ACCEPTED,
    ReviewDecision.PROPOSE_DATE: OrderStatus.PROPOSED,
    ReviewDecision.SPLIT: OrderStatus.PROPOSED,
    ReviewDecision.REJECT: OrderStatus.REJECTED,
}


def apply_outcome(order: Order, a: Assessment) -> OrderStatus:
    """Set the order's promise, rush and priority fields; returns the status the review leads to (a tentative
    promise waits RECEIVED for the customers a negotiated rush move asks, R15)."""
    order.promised_date = None if a.tentative else a.promised_date
    order.rush = a.rush.rush
    order.rush_tier = a.rush.tier
    order.rush_cause = a.cause
    order.priority_tier = a.priority.tier
    order.priority_score = a.priority.score
    return OrderStatus.RECEIVED if a.tentative else STATUS_OF[a.decision]


def review_row(order: Order, a: Assessment, result: ReviewResult) -> OrderReview:
    return OrderReview(**review_values(order, a, result))


async def insert_review(session: AsyncSession, order: Order, a: Assessment, result: ReviewResult) -> None:
    """The review row as one plain INSERT (nothing reads it back as an object in this transaction); held for the
    commit's message when the transaction holds its writes (held_rows)."""
    await held_rows.insert_rows(session, ADD_REVIEW, [{**review_values(order, a, result), "created_at": utcnow()}])


def review_values(order: Order, a: Assessment, result: ReviewResult) -> dict[str, Any]:
    return dict(
        order_id=order.id,
        decision=a.decision,
        criteria=[{"criterion": c.criterion, "passed": c.passed, "message": c.message, "details": c.details}
                  for c in result.criteria],
        fired_rules=[{"rule_set": f.rule_set, "rule": f.rule, "message": f.message} for f in result.fired_rules],
        facts=a.facts,
        rules_version=result.rules_version,
        proposed_date=a.proposed_date,
        proposed_deliveries=[{"sku": d.sku, "quantity": d.quantity, "date": d.date.isoformat()}
                             for d in result.deliveries],
    )


async def write_deliveries(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                           *, new: bool = False) -> None:
    """Replace the order's deliveries: PROMISED when accepted, PROPOSED while the customer decides.

    new: the order has none to delete (inserted in this transaction, or its lines, and so their deliveries, were
    just replaced). When the transaction holds its writes (held_rows: updateOrder, cancelOrder on PostgreSQL) the
    DELETE and INSERT go in the commit's message; nothing reads the order's deliveries before it.
    """
    if not new:
        await drop_deliveries(session, order.id)
    # One INSERT for all of them, with no objects to track.
    if deliveries := new_deliveries(a):
        await held_rows.insert_rows(session, ADD_DELIVERIES, [
            {"order_id": order.id, "order_line_id": lines[d.line_index].id, "quantity": d.quantity, "date": d.date,
             "status": d.status} for d in deliveries])


async def drop_deliveries(session: AsyncSession, order_id: int) -> None:
    """Delete the order's deliveries: in the commit's message when the transaction holds its writes (held_rows)."""
    if held_rows.holding(session):
        await held_rows.write(session, DROP_DELIVERIES, {"order_id": order_id})
    else:
        await session.execute(delete(Delivery).where(Delivery.order_id == order_id))


def new_deliveries(a: Assessment) -> list[NewDelivery]:
    """The review's deliveries as rows to write; a tentative promise has its date on the negotiation (none)."""
    if a.tentative:
        return []
    status = DeliveryStatus.PROMISED if a.decision is ReviewDecision.ACCEPT else DeliveryStatus.PROPOSED
    return [NewDelivery(d.line_index, d.quantity, d.date, status) for d in a.deliveries]


async def reserve_promise(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                          actor: str | None, *, new: bool = False, release: Holding | None = None,
                          counted: list[list[tuple[Any, ...]]] | None = None,
                          suggested_cancelled: bool = False,
                          released: Mapping[int, float] | None = None) -> list[OrderEvent]:
    """Hold the accepted promise's finished goods and hours; first free what displaced orders held, then promise
    them again. Stock before hours, as a progress report locks its product before the ledger. A tentative promise
    holds nothing: the customers it needs hours from are asked first (domain/orders/negotiation_open.py).

    What the caller has pending, the production orders and the reservations go in before the ledger UPDATE, so
    the ledger rows stay locked only for the commit. new: the order was inserted in this transaction
    (no production orders of its own to cancel, its lines' products known). release: what the order, decided
    again, held: given back in the same pass over the ledger rows (ledger.reserve_all). counted: the products' lock
    and stock count, sent already with the new order's rows (finished_goods.lock_and_count). suggested_cancelled:
    the caller cancelled the order's SUGGESTED production orders already in this transaction (not again). released:
    product id -> units its RELEASED production orders make, read by the caller with that cancel (not read again)."""
    if a.tentative:
        asked = await open_negotiations(session, order, a, actor)
        await give_back_only(session, release)
        return asked
    events: list[OrderEvent] = []
    # A new order's lines went in holding their units already (create_order): no UPDATE of them here.
    await take_stock(session, lines, a.stock, inserted_holding=new, counted=counted)
    moved = a.displacement.moved if a.displacement else []
    for m in moved:  # their hours become the free hours the displacement counted on, forecast ones too
        await release_order(session, m.order.id, to_forecast=False)
    if not a.stock_cuts:
        await postpone_tasks(session, a.postponable, a.promise, a.tasks_from, regular_too=True)
        await _join_day_tasks(session, lines, a)  # reads the plan in force: before the ledger rows are locked
    held = a.promise.reservations(order.id, [ln.id for ln in lines])
    # The production orders go in before the hours are taken (a lost race rolls them back with the rest), so that
    # the ledger UPDATE is the last statement before the commit.
    if released is None:
        released = {} if new else await replaced_by_released(session, order.id, cancelled=suggested_cancelled)
    await raise_for_order(session, order, lines, a.stock.to_make, held, released=released)
    await session.flush()
    # Rows the decision only imagined (the horizon reached a new week): made just before their hours are taken.
    await create_rows(session, _missing(a.promise, held, *(m.promise for m in moved)))
    await overtime_into_ledger(session, a.postponable, a.promise, a.tasks_from, release)
    consumed = await reserve_all(session, held, a.promise.open_shares, a.promise.claim,
                                 products={ln.id: ln.product_id for ln in lines}, release=release)
    if a.stock_cuts:  # the stock tasks give up the hours first, then the order's own tasks take their place
        await replace_stock_tasks(session, a.stock_cuts, a.tasks_from, consumed)
        await postpone_tasks(session, a.postponable, a.promise, a.tasks_from)
        await _join_day_tasks(session, lines, a)
    for m in moved:
        await reserve_all(session, m.promise.reservations(m.order.id, m.order_line_ids), m.promise.open_shares)
        await session.execute(delete(Delivery).where(Delivery.order_id == m.order.id))
        for line_id, quantity, day in m.deliveries:
            session.add(Delivery(order_id=m.order.id, order_line_id=line_id, quantity=quantity, date=day,
                                 status=DeliveryStatus.PROMISED))
        before = {"promised_date": m.old_date.isoformat() if m.old_date else None}
        m.order.promised_date = m.new_date
        split = len({day for _, _, day in m.deliveries}) > 1
        events.append(record_order_event(
            session, m.order, kinds.MOVED, actor=actor,
            # The message reaches the moved order's customer (history, orderEvents): it names no other
            # customer's order; the rush order's code stays in the audit row (after) for the plant.
            message=f"{'split' if split else 'moved'} to make room for a rush order; "
                    f"new promise {m.new_date.isoformat()}",
            before=before,
            after={"promised_date": m.new_date.isoformat(), "rush_order": order.code,
                   "deliveries": [[line_id, q, day.isoformat()] for line_id, q, day in m.deliveries]},
        ))
    return events


async def give_back_only(session: AsyncSession, release: Holding | None) -> None:
    """An order decided again that takes no hours now gives back what it held, its other writes flushed first
    (the ledger rows stay locked only for the commit)."""
    if release is not None:
        await session.flush()
        await reserve_all(session, [], release=release)


def _missing(promise: OrderPromise, held: list[CapacityReservation], *others: OrderPromise
             ) -> dict[tuple[int, date], tuple[float, float]]:
    """The imagined ledger rows some of these promises take hours from."""
    wanted = {(r.line_id, r.week) for r in held} | {(u.line_id, u.week) for p in others for ln in p.lines
                                                     for u in ln.uses}
    known = {key: row for p in (promise, *others) for key, row in p.missing_rows.items()}
    return {key: known[key] for key in wanted if key in known}


async def _join_day_tasks(session: AsyncSession, lines: list[OrderLine], a: Assessment) -> None:
    await join_day_tasks(session, lines, a.promise, a.tasks_from, a.promised_date, a.frozen_until, rush=a.rush.rush)


async def join_day_tasks(session: AsyncSession, lines: list[OrderLine], promise: OrderPromise,
                         first_day: date | None, promised: date | None, frozen: date | None, *,
                         rush: bool = False) -> None:
    """Hours promised in the running week are made in it: the plan in force's day tasks take them from the
    first day the promise counted, up to the promised date (the weekend replan would come too late)."""
    if first_day is None or promised is None or frozen is None:
        return
    week = week_start(first_day)
    holdings = [WeekHours(use.line_id, lines[line.index].product_id, use.hours)
                for line in promise.lines for use in line.uses if use.week == week]
    if holdings:
        await insert_day_tasks(session, holdings, first_day, promised, frozen_until=frozen,
                               order_id=lines[0].order_id, rush=rush)


async def record_rush(session: AsyncSession, order: Order, a: Assessment, *, new: bool = False) -> None:
    """One RushInsertion per rush order (R15): how it was fitted in and why it was rush (new: none yet)."""
    existing = None if new else await session.scalar(
        select(RushInsertion).where(RushInsertion.order_id == order.id))
    if not a.rush.rush or a.cause is None:
        if existing is not None:
            await session.delete(existing)
        return
    row = existing or RushInsertion(order_id=order.id)
    row.cause = a.cause
    accepted = a.decision is ReviewDecision.ACCEPT and not a.tentative
    row.succeeded = accepted and a.promised_date is not None and a.promised_date <= order.requested_date
    row.reserve_hours_used = a.promise.reserve_hours if accepted else 0.0
    row.displaced_order_ids = [m.order.id for m in a.displacement.moved] if a.displacement and accepted else []
    adjustment = rush_adjustment(a) if accepted else RushAdjustment(0.0, 0)
    row.overtime_hours, row.changeovers = adjustment.overtime_hours, adjustment.changeovers
    row.forecast_excess_pct = a.facts.get("forecast.excess_pct")
    if existing is None:
        session.add(row)
