"""The rush order's side of a negotiated move (R15): reviewed again once the answers are in, and written."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import Customer, Order, OrderEvent, ReviewDecision
from domain.orders.assess import Assessment, Request, assess
from domain.orders.context import load_order_context
from domain.orders.inputs import LineInput
from domain.orders.persist import apply_outcome, record_rush, reserve_promise, review_row, write_deliveries
from domain.orders.results import review_result
from domain.orders.review import load_lines, priced_lines
from rules import RuleBook


async def review_rush(session: AsyncSession, book: RuleBook, rush: Order, today: date, agreed: frozenset[int]
                      ) -> Assessment:
    """The rush order reviewed again; nobody is asked again (after a decline, or with every answer in)."""
    lines = await load_lines(session, rush.id)
    customer = await session.get(Customer, rush.customer_id)
    assert customer is not None
    context = await load_order_context(session, customer, [ln.product_id for ln in lines])
    priced = priced_lines(context, [LineInput(p.sku, ln.quantity, ln.unit_price)
                                    for p, ln in zip(context.products, lines, strict=True)])
    request = Request(context, priced, rush.requested_date, rush.id, negotiate=False, agreed=agreed)
    return await assess(session, book, request, today, saving=True)


async def write_rush(session: AsyncSession, book: RuleBook, rush: Order, a: Assessment, actor: str | None,
                     message: str) -> list[OrderEvent]:
    """The new review, its deliveries and promise (moving the agreed orders), and a STATUS event saying why."""
    lines = await load_lines(session, rush.id)
    customer = await session.get(Customer, rush.customer_id)
    assert customer is not None
    context = await load_order_context(session, customer, [ln.product_id for ln in lines])
    status = apply_outcome(rush, a)
    result = await review_result(session, a, context, [ln.quantity for ln in lines], book.version)
    session.add(review_row(rush, a, result))
    await write_deliveries(session, rush, lines, a)
    events = [record_order_event(session, rush, kinds.STATUS, actor=actor, to_status=status, message=message,
                                 after={"promised_date": a.promised_date and a.promised_date.isoformat(),
                                        "proposed_date": a.proposed_date and a.proposed_date.isoformat()})]
    if a.decision is ReviewDecision.ACCEPT:
        events.extend(await reserve_promise(session, rush, lines, a, actor))
    await record_rush(session, rush, a)
    return events
