"""update_order (re-review and re-reserve) and cancel_order (release): versioned, keyed, outside the frozen window."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.capacity.ledger import release_order
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
from domain.orders.context import load_context, load_order_context
from domain.orders.facts import amount_of, margin_of
from domain.orders.finished_goods import release_stock
from domain.orders.holds import close_pending
from domain.orders.inputs import CancelInput, LineInput, UpdateInput, validate_lines, validate_requested_date
from domain.orders.keyed import keyed_change
from domain.orders.lookup import claim_version, order_to_change, refuse_frozen
from domain.orders.negotiations import after_cancel, refuse_while_negotiating
from domain.orders.persist import record_rush, review_row, write_deliveries
from domain.orders.production_orders import cancel_suggested
from domain.orders.results import OrderResult, review_result
from domain.orders.review import load_lines, priced_lines, publish
from domain.orders.settle import settle_review
from rules import RuleBook


def _snapshot(order: Order, lines: list[OrderLine]) -> dict[str, Any]:
    return {"status": order.status.value, "requested_date": order.requested_date.isoformat(),
            "promised_date": order.promised_date.isoformat() if order.promised_date else None,
            "lines": [[ln.product_id, ln.quantity, str(ln.unit_price)] for ln in lines]}


async def _replace_lines(session: AsyncSession, order: Order, lines: list[OrderLine],
                         new: tuple[LineInput, ...] | None, customer: Customer) -> tuple[list[OrderLine], Any]:
    """The order's lines after the change (new ones replace the old), with their context."""
    if new is None:
        context = await load_order_context(session, customer, [ln.product_id for ln in lines])
        return lines, context
    validate_lines(new)
    context = await load_context(session, customer, new)
    priced = priced_lines(context, new)
    await session.execute(delete(Delivery).where(Delivery.order_id == order.id))
    await session.execute(delete(OrderLine).where(OrderLine.order_id == order.id))
    replaced = [OrderLine(order_id=order.id, line_no=i + 1, product_id=p.id, quantity=pl.quantity,
                          unit_price=pl.unit_price, unit_cost=pl.unit_cost)
                for i, (p, pl) in enumerate(zip(context.products, priced, strict=True))]
    session.add_all(replaced)
    await session.flush()
    order.amount, order.gross_margin = amount_of(priced), margin_of(priced)
    return replaced, context


async def update_order(session: AsyncSession, principal: Principal, book: RuleBook, data: UpdateInput, today: date,
                       publisher: EventPublisher | None = None) -> OrderResult:
    """Change the date and/or lines; the order is reviewed again and holds the hours of its new promise."""
    if data.requested_date is None and data.lines is None:
        # Not a silent new version: a retry of it would meet VERSION_CONFLICT for a change that changed nothing.
        raise InvalidInput("nothing to change: give requestedDate, lines or both", ["requestedDate"])
    events: list[OrderEvent] = []

    async def update() -> OrderResult:
        events.clear()
        if data.requested_date is not None:
            validate_requested_date(data.requested_date, today)
        order = await order_to_change(session, principal, data.code)
        await refuse_while_negotiating(session, order)
        await refuse_frozen(session, order, data.requested_date, today, book.capacity_policy().frozen_days)
        await claim_version(session, order, data.expected_version)
        lines = await load_lines(session, order.id)
        before = _snapshot(order, lines)
        was_rush, old_cause = order.rush, order.rush_cause
        await release_order(session, order.id)
        await release_stock(session, order.id)
        await cancel_suggested(session, order.id)
        await close_pending(session, order.id, "the order was changed and reviewed again", principal.actor)
        customer = await session.get(Customer, order.customer_id)
        assert customer is not None
        lines, context = await _replace_lines(session, order, lines, data.lines, customer)
        if data.requested_date is not None:
            order.requested_date = data.requested_date
        priced = priced_lines(context, [LineInput(context.products[i].sku, ln.quantity, ln.unit_price)
                                        for i, ln in enumerate(lines)])
        hint = old_cause if was_rush else RushCause.CUSTOMER_CHANGE
        a = await assess(session, book, Request(context, priced, order.requested_date, order.id, hint), today,
                         saving=True)
        result = await review_result(session, a, context, [p.quantity for p in priced], book.version)
        session.add(review_row(order, a, result))
        await write_deliveries(session, order, lines, a)
        status, moved = await settle_review(session, order, lines, a, principal.actor)
        await record_rush(session, order, a)
        events.append(record_order_event(
            session, order, kinds.UPDATED, actor=principal.actor, to_status=status, before=before,
            message=f"changed by the customer and reviewed again: {a.decision.value} ({a.review.reason})",
            after={**_snapshot(order, lines), "status": status.value, "decision": a.decision.value}))
        events.extend(moved)
        await close_review_alert(session, order.code)
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
        order = await order_to_change(session, principal, data.code)
        await refuse_frozen(session, order, None, today, book.capacity_policy().frozen_days)
        await claim_version(session, order, data.expected_version)
        released = await release_order(session, order.id)
        await release_stock(session, order.id)
        await cancel_suggested(session, order.id)
        await close_pending(session, order.id, "the order was cancelled", principal.actor)
        await session.execute(delete(Delivery).where(Delivery.order_id == order.id))
        order.cancelled_at = utcnow()
        await close_review_alert(session, order.code)
        hours = sum(r.hours for r in released)
        events.append(record_order_event(
            session, order, kinds.CANCELLED, actor=principal.actor, to_status=OrderStatus.CANCELLED,
            message=f"cancelled{': ' + data.reason if data.reason else ''}; {hours:g} h given back",
            before={"promised_date": order.promised_date.isoformat() if order.promised_date else None},
            after={"released_hours": hours}))
        events.extend(await after_cancel(session, book, order, today, principal.actor))  # negotiated moves, R15
        return OrderResult(order)

    outcome = await keyed_change(session, "cancelOrder", principal, data.idempotency_key, data.body(), cancel)
    if not outcome.replayed:
        await publish(publisher, events)
    return outcome
