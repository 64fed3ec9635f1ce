"""The rush order's side of a negotiated move (R15): reviewed again once the answers are in, and written."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import Order, OrderEvent, ReviewDecision
from domain.orders.assess import Assessment, Request, assess
from domain.orders.persist import apply_outcome, record_rush, reserve_promise, review_row, write_deliveries
from domain.orders.results import review_result
from domain.orders.saved import load_saved
from rules import RuleBook


async def review_rush(session: AsyncSession, book: RuleBook, rush: Order, today: date, agreed: frozenset[int]
                      ) -> Assessment:
    """The rush order reviewed again; nobody is asked again (after a decline, or with every answer in)."""
    saved = await load_saved(session, rush)
    request = Request(saved.context, saved.priced, rush.requested_date, rush.id, negotiate=False, agreed=agreed)
    return await assess(session, book, request, today, saving=True)


async def write_rush(session: AsyncSession, book: RuleBook, rush: Order, a: Assessment, actor: str | None,
                     message: str) -> list[OrderEvent]:
    """The new review, its deliveries and promise (moving the agreed orders), and a STATUS event saying why."""
    saved = await load_saved(session, rush)
    lines, context = saved.lines, saved.context
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
