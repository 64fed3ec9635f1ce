"""update_order (re-review and re-reserve) and cancel_order (release): versioned, keyed, outside the frozen window.

Both decide before they write (issue #15 item 1): the order, its lines and what it holds are read without locks,
and updateOrder's review counts the order's own hours and units as free for its new promise. Then one short
transaction claims the version, writes the order, lines, review, deliveries, history and outbox, and last gives
the old hours back and takes the new ones in one pass over the ledger rows in (line, week) order
(ledger.reserve_all with release=). A version claimed by someone else meanwhile is VERSION_CONFLICT, as before;
hours or reservations changed meanwhile are CapacityTaken: the change is decided again from fresh facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.capacity import held_rows
from domain.capacity.finished_stock import HOLDS_STOCK
from domain.capacity.holding import holding_of
from domain.capacity.ledger import DROP_RESERVATIONS, dropped_as_read, hold_writes, send_held
from domain.errors import InvalidInput
from domain.events import EventPublisher, kinds
from domain.events.order_history import record_order_event
from domain.models import (
    Customer,
    Delivery,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    RushCause,
    utcnow,
)
from domain.orders.assess import Request, assess
from domain.orders.batch_review import close_review_alert
from domain.orders.context import OrderContext, load_context, load_order_context, order_customer
from domain.orders.facts import PricedLine, amount_of, margin_of
from domain.orders.finished_goods import defer_release, release_stock, units_wanted
from domain.orders.holds import close_pending
from domain.orders.inputs import CancelInput, LineInput, UpdateInput, validate_lines, validate_requested_date
from domain.orders.keyed import keyed_change
from domain.orders.lookup import claim_version_with, ensure_version, order_to_change_with, refuse_frozen
from domain.orders.negotiations import NEGOTIATING, after_cancel, refuse_while_negotiating
from domain.orders.persist import drop_deliveries, give_back_only, insert_review, record_rush, write_deliveries
from domain.orders.production_orders import CANCEL_SUGGESTED, RELEASED_UNITS
from domain.orders.results import OrderResult, review_result
from domain.orders.review import load_lines, priced_lines, publish
from domain.orders.settle import settle_review, settled_status, takes_stock
from rules import RuleBook


def _snapshot(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    return {"status": order.status.value, "requested_date": order.requested_date.isoformat(),
            "promised_date": order.promised_date.isoformat() if order.promised_date else None,
            "lines": [[ln.product_id, ln.quantity, str(ln.unit_price)] for ln in lines]}


async def _new_terms(session: AsyncSession, order: Order, customer: Customer, lines: list[OrderLine],
                     new: tuple[LineInput, ...] | None, requested: date) -> tuple[OrderContext, list[PricedLine]]:
    """The context and priced lines of the order after the change (new lines replace the old); reads only. The
    products' stock, yields and `requested` week's forecast come in one statement, as a new order's."""
    if new is None:
        context = await load_order_context(session, customer, [ln.product_id for ln in lines], requested, order.id)
        return context, priced_lines(context, [LineInput(context.products[i].sku, ln.quantity, ln.unit_price)
                                               for i, ln in enumerate(lines)])
    validate_lines(new)
    context = await load_context(session, customer, new, requested=requested, order_id=order.id)
    return context, priced_lines(context, new)


def _units_held(order: Order, lines: Sequence[OrderLine], replaced: bool) -> dict[int, float]:
    """Finished units per product the order holds now and gives back by the change (release_stock keeps what has
    shipped; replaced lines give back all they held): free for its new promise."""
    units: dict[int, float] = defaultdict(float)
    if order.status not in HOLDS_STOCK:
        return units
    for ln in lines:
        kept = ln.quantity_made + min(ln.quantity_shipped, ln.quantity_from_stock) - ln.quantity_shipped
        units[ln.product_id] += max(ln.quantity_from_stock - ln.quantity_shipped, 0.0) + (kept if replaced else 0.0)
    return units


async def _replace_lines(session: AsyncSession, order: Order, lines: list[OrderLine], context: OrderContext,
                         priced: list[PricedLine]) -> list[OrderLine]:
    """The new lines in place of the old (their reservations are dropped already)."""
    await session.execute(delete(Delivery).where(Delivery.order_id == order.id))
    await session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
    replaced = [OrderLine(order_id=order.id, line_no=i + 1, product_id=p.id, quantity=pl.quantity,
                          unit_price=pl.unit_price, unit_cost=pl.unit_cost)
                for i, (p, pl) in enumerate(zip(context.products, priced, strict=True))]
    session.add_all(replaced)
    await session.flush()
    order.amount, order.gross_margin = amount_of(priced), margin_of(priced)
    return replaced


async def _close_sign_offs(session: AsyncSession, order: Order, why: str, actor: str | None) -> None:
    """The order's PENDING sign-offs expire (close_pending). Only a RECEIVED order can have any: a sign-off is asked
    for only with the order set RECEIVED (holds.hold_for_sign_offs via settle_review or create_order), and every
    way out of RECEIVED while they are pending closes them (sign-off, its expiry, this change), each with a new
    version; the status was read at the version just claimed, so for any other status the read is skipped (as
    sign_offs.sign_off_order skips it)."""
    if order.status is OrderStatus.RECEIVED:
        await close_pending(session, order.id, why, actor)


async def update_order(session: AsyncSession, principal: Principal, book: RuleBook, data: UpdateInput, today: date,
                       publisher: EventPublisher | None = None) -> OrderResult:
    """Change the date and/or lines; the order is reviewed again and holds the hours of its new promise."""
    if data.requested_date is None and data.lines is None:
        # Not a silent new version: a retry of it would meet VERSION_CONFLICT for a change that changed nothing.
        raise InvalidInput("nothing to change: give requestedDate, lines or both", ["requestedDate"])
    events: list[OrderEvent] = []

    async def update() -> OrderResult:
        events.clear()
        hold_writes(session)  # the ledger UPDATE goes with the COMMIT (keyed_change)
        held_rows.hold(session)  # and the writes nothing reads back before it (review, deliveries, rows, alert)
        if data.requested_date is not None:
            validate_requested_date(data.requested_date, today)
        order, asked = await order_to_change_with(session, principal, data.code, NEGOTIATING)
        refuse_while_negotiating(order, asked)  # its negotiation read with it: no round trip of its own
        await refuse_frozen(session, order, data.requested_date, today, book.capacity_policy().frozen_days)
        ensure_version(order, data.expected_version)
        # Decide first, writing nothing and holding no lock; what the order holds is free for its new promise.
        lines = await load_lines(session, order.id)
        customer = await order_customer(session, order.customer_id)
        requested = data.requested_date or order.requested_date
        context, priced = await _new_terms(session, order, customer, lines, data.lines, requested)
        held = await holding_of(session, order.id, _units_held(order, lines, replaced=data.lines is not None))
        hint = order.rush_cause if order.rush else RushCause.CUSTOMER_CHANGE
        a = await assess(session, book, Request(context, priced, requested, order.id, hint, held=held), today,
                         saving=False)
        result = await review_result(session, a, context, [p.quantity for p in priced], book.version)
        # Then write: the version first (VERSION_CONFLICT if another change took it), the ledger last.
        # With the claim, in its message: the SUGGESTED production orders cancelled (an acceptance raises them again),
        # what the RELEASED ones make (they stay: only what they do not cover is raised) and the reservations read
        # deleted (other rows than those read: CapacityTaken, decided again).
        _, released_rows, dropped = await claim_version_with(session, order, data.expected_version, [
            (CANCEL_SUGGESTED, {"of_order": order.id}), (RELEASED_UNITS, {"of_order": order.id}),
            (DROP_RESERVATIONS, {"of_order": order.id})])
        dropped_as_read(held, dropped)
        released = {product_id: float(units or 0.0) for product_id, units in released_rows}
        before = _snapshot(order, lines)
        if data.lines is None and takes_stock(a) and units_wanted(lines, a.stock):
            # Its lines stay and take units again: the UPDATE that takes them gives the old ones back too
            # (take_stock), one UPDATE of the lines instead of two.
            defer_release(session, order.id)
        elif data.lines is None:
            await release_stock(session, order.id)
        # Else the old lines go with what they hold (_replace_lines deletes them): nothing to give back first.
        await _close_sign_offs(session, order, "the order was changed and reviewed again", principal.actor)
        if data.lines is not None:
            lines = await _replace_lines(session, order, lines, context, priced)
        await insert_review(session, order, a, result)
        # Replaced lines took their deliveries with them (_replace_lines): none left to delete.
        await write_deliveries(session, order, lines, a, new=data.lines is not None)
        # Set after the deliveries' DELETE, whose autoflush would write it as an UPDATE of its own: it goes in the one
        # UPDATE of the order with its new version and promise.
        order.requested_date = requested
        if order.rush or a.rush.rush:  # a RushInsertion is written only for a rush order: none to read or delete
            await record_rush(session, order, a)
        status = settled_status(order, a)
        events.append(record_order_event(
            session, order, kinds.UPDATED, actor=principal.actor, to_status=status, before=before,
            message=f"changed by the customer and reviewed again: {a.decision.value} ({a.review.reason})",
            after={**_snapshot(order, lines), "status": status.value, "decision": a.decision.value}))
        await close_review_alert(session, order.code)
        # Stock, then the ledger rows: the old hours given back and the new ones taken in one pass.
        # Its SUGGESTED production orders were cancelled with the claim: an acceptance raises them again, with no
        # second UPDATE, and reads its RELEASED ones no second time.
        _, moved = await settle_review(session, order, lines, a, principal.actor, release=held,
                                       suggested_cancelled=True, released=released)
        events.extend(moved)
        return OrderResult(order, result)

    outcome = await keyed_change(session, "updateOrder", principal, data.idempotency_key, data.body(), update)
    if not outcome.replayed:
        await publish(publisher, events)
    return outcome


async def cancel_order(session: AsyncSession, principal: Principal, book: RuleBook, data: CancelInput, today: date,
                       publisher: EventPublisher | None = None) -> OrderResult:
    """Cancel and give every reserved hour back to the ledger and every unit taken from stock back to the shelf."""
    bounds.text(data.reason, ["reason"])
    events: list[OrderEvent] = []

    async def cancel() -> OrderResult:
        events.clear()
        hold_writes(session)
        held_rows.hold(session)  # the deliveries' DELETE and the alert's UPDATE go with the COMMIT too
        order, asked = await order_to_change_with(session, principal, data.code, NEGOTIATING)
        negotiating = asked is not None
        await refuse_frozen(session, order, None, today, book.capacity_policy().frozen_days)
        ensure_version(order, data.expected_version)
        held = await holding_of(session, order.id)
        _, dropped = await claim_version_with(session, order, data.expected_version, [
            (CANCEL_SUGGESTED, {"of_order": order.id}), (DROP_RESERVATIONS, {"of_order": order.id})])
        dropped_as_read(held, dropped)  # its reservations deleted with the claim, in its message
        await release_stock(session, order.id)
        await _close_sign_offs(session, order, "the order was cancelled", principal.actor)
        await drop_deliveries(session, order.id)
        await close_review_alert(session, order.code)
        order.cancelled_at = utcnow()  # after the alert's UPDATE (its autoflush): one UPDATE of the order, status too
        events.append(record_order_event(
            session, order, kinds.CANCELLED, actor=principal.actor, to_status=OrderStatus.CANCELLED,
            message=f"cancelled{': ' + data.reason if data.reason else ''}; {held.total_hours:g} h given back",
            before={"promised_date": order.promised_date.isoformat() if order.promised_date else None},
            after={"released_hours": held.total_hours}))
        # The order's one UPDATE goes with the COMMIT too (not flushed by give_back_only): nothing changes it after
        # this but after_cancel, which runs after send_held has sent it.
        await held_rows.write_changes(session, order)
        await give_back_only(session, held)  # the last write, unless negotiations end: they read the freed ledger
        if negotiating:
            await send_held(session)  # the rush order's re-review reads the freed ledger
            events.extend(await after_cancel(session, book, order, today, principal.actor))  # negotiated moves, R15
        return OrderResult(order)

    outcome = await keyed_change(session, "cancelOrder", principal, data.idempotency_key, data.body(), cancel)
    if not outcome.replayed:
        await publish(publisher, events)
    return outcome
