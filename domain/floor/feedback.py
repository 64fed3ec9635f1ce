"""recordFeedback: complaints, returns and special requirements from sales, attached to orders for production (R8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.errors import InvalidInput
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.floor.lookup import order_by_code
from domain.floor.stock import check_safety_stock
from domain.models import (
    Feedback,
    FeedbackCause,
    FeedbackKind,
    FeedbackStatus,
    Order,
    OrderLine,
    Product,
    StockMovement,
    StockMovementKind,
    utcnow,
)
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_orders


@dataclass
class FeedbackOutcome:
    feedback: Feedback
    order: Order


def _line_for(order: Order, sku: str | None, products: dict[int, str]) -> OrderLine | None:
    if sku is None:
        return order.lines[0] if len(order.lines) == 1 else None
    return next((line for line in order.lines if products[line.product_id] == sku), None)


async def _put_back(session: AsyncSession, order: Order, line: OrderLine, quantity: float, note: str) -> None:
    await session.execute(
        update(Product).where(Product.id == line.product_id).values(on_hand=Product.on_hand + quantity)
    )
    session.add(StockMovement(
        product_id=line.product_id, kind=StockMovementKind.RETURNED, quantity=quantity, order_id=order.id, note=note,
    ))


async def record_feedback(
    session: AsyncSession,
    principal: Principal,
    *,
    order_code: str,
    kind: FeedbackKind,
    message: str,
    cause: FeedbackCause | None = None,
    quantity: float | None = None,
    sku: str | None = None,
    broker: EventBroker | None = None,
) -> FeedbackOutcome:
    """Attach the feedback to the order (a partner only to its own customers' orders), commit, then publish.

    A RETURN with a quantity puts those units back in stock; a REQUIREMENT is copied onto the order's
    lines (or the sku's line) so production sees it with the work.
    """
    text = (bounds.text(message, ["message"]) or "").strip()
    if not text:
        raise InvalidInput("message must say what the customer reported", ["message"])
    if kind in (FeedbackKind.COMPLAINT, FeedbackKind.RETURN) and cause is None:
        raise InvalidInput(f"a {kind.value.lower()} needs a cause: PRODUCTION, LOGISTICS or OTHER", ["cause"])
    if quantity is not None:
        bounds.quantity(quantity, ["quantity"], positive=True)
    order = await order_by_code(session, order_code, ["orderCode"], principal)
    products = dict((await session.execute(
        select(Product.id, Product.sku).where(Product.id.in_([line.product_id for line in order.lines]))
    )).all())
    line = _line_for(order, sku, products)
    if sku is not None and line is None:
        raise InvalidInput(f"order {order_code!r} has no line for sku {bounds.shown(sku)}", ["sku"])
    if kind is FeedbackKind.RETURN and quantity is not None:
        if line is None:
            raise InvalidInput("the order has several lines: say which sku comes back", ["sku"])
        returned = await session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0.0)).where(
                StockMovement.order_id == order.id, StockMovement.product_id == line.product_id,
                StockMovement.kind == StockMovementKind.RETURNED))
        # Only what left can come back, once: ten returns of 10 on a 10-unit order put 100 units in stock.
        if quantity > line.quantity_shipped - float(returned or 0.0) + 1e-9:
            raise InvalidInput(f"{quantity:g} returned but {line.quantity_shipped:g} shipped and "
                               f"{float(returned or 0.0):g} returned already", ["quantity"])
        await _put_back(session, order, line, quantity, f"returned: {text[:150]}")
    if kind is FeedbackKind.REQUIREMENT:
        for target in [line] if line is not None else order.lines:
            target.requirements = f"{target.requirements}\n{text}" if target.requirements else text
    feedback = Feedback(
        order_id=order.id, kind=kind, cause=cause, message=text, quantity=quantity, created_at=utcnow(),
        created_by=principal.actor,
    )
    session.add(feedback)
    outbox = Outbox()
    label = kind.value + (f" ({cause.value})" if cause else "")
    outbox.order_events.append(record_order_event(session, order, kinds.FEEDBACK, actor=principal.actor,
                                                  message=f"{label}: {text}"))
    if kind is FeedbackKind.RETURN and quantity is not None and line is not None:
        await check_safety_stock(session, [line.product_id], outbox, utcnow().date())
    await session.commit()
    await outbox.publish(broker)
    return FeedbackOutcome(feedback, order)


async def feedback_of_orders(session: AsyncSession, order_ids: list[int]) -> dict[int, list[Feedback]]:
    """Feedback per order, oldest first (for the Order.feedback field's loader)."""
    grouped: dict[int, list[Feedback]] = {order_id: [] for order_id in order_ids}
    for item in await session.scalars(
        select(Feedback).where(Feedback.order_id.in_(order_ids)).order_by(Feedback.order_id, Feedback.id)
    ):
        grouped[item.order_id].append(item)
    return grouped


OLDEST_FIRST = SortKey(Feedback.id, PARSERS["int"], lambda f: f.id)


@dataclass(frozen=True)
class FeedbackFilter:
    """open_only: OPEN (true) or not (false); unresolved: not yet RESOLVED or CLOSED (the production team's list
    is complaints caused by production that are unresolved)."""

    open_only: bool | None = None
    order_code: str | None = None
    kind: FeedbackKind | None = None
    cause: FeedbackCause | None = None
    unresolved: bool | None = None


DONE = (FeedbackStatus.RESOLVED.value, FeedbackStatus.CLOSED.value)


def _feedback_of(principal: Principal, wanted: FeedbackFilter) -> Select[Any]:
    """Feedback the principal may see: a partner only its own customers' orders' feedback."""
    statement = select(Feedback).join(Order, Order.id == Feedback.order_id).where(visible_orders(principal))
    if wanted.open_only is not None:
        statement = statement.where((Feedback.status == "OPEN") if wanted.open_only else (Feedback.status != "OPEN"))
    if wanted.order_code is not None:
        statement = statement.where(Order.code == wanted.order_code)
    if wanted.kind is not None:
        statement = statement.where(Feedback.kind == wanted.kind)
    if wanted.cause is not None:
        statement = statement.where(Feedback.cause == wanted.cause)
    if wanted.unresolved is not None:
        statement = statement.where(Feedback.status.not_in(DONE) if wanted.unresolved else Feedback.status.in_(DONE))
    return statement


async def feedback_page(
    session: AsyncSession, principal: Principal, first: int, after: Position | None = None,
    wanted: FeedbackFilter = FeedbackFilter(),
) -> tuple[Page[Feedback], dict[int, str]]:
    """A page of feedback, oldest first, and its orders' codes."""
    page = await fetch_page(session, _feedback_of(principal, wanted), OLDEST_FIRST, Feedback.id, first, after)
    order_ids = {item.order_id for item in page.rows}
    rows = await session.execute(select(Order.id, Order.code).where(Order.id.in_(order_ids)))
    codes = {order_id: code for order_id, code in rows}
    return page, codes


async def count_feedback(session: AsyncSession, principal: Principal, wanted: FeedbackFilter = FeedbackFilter()
                         ) -> int:
    matching = _feedback_of(principal, wanted).with_only_columns(func.count(Feedback.id))
    return int(await session.scalar(matching) or 0)
