"""Expired sign-off holds (R3): released and the order reviewed again, by a loop in every API process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import EventPublisher, kinds
from domain.events.order_history import record_order_event
from domain.models import Order, OrderSignOff, OrderStatus, SignOffStatus, utcnow
from domain.orders.assess import Request, assess
from domain.orders.holds import SYSTEM, close_pending, release_hold
from domain.orders.persist import record_rush, review_row, write_deliveries
from domain.orders.results import review_result
from domain.orders.review import publish
from domain.orders.saved import load_saved
from domain.orders.settle import settle_review
from rules import RuleBook

log = logging.getLogger(__name__)


async def expire_holds(session: AsyncSession, book: RuleBook, now: datetime | None = None,
                       publisher: EventPublisher | None = None) -> list[str]:
    """Every waiting order whose hold ran out: its PENDING sign-offs EXPIRED, its hold given back, and a new
    review (which may ask for people again, with a new hold). One transaction per order; returns their codes."""
    now = now or utcnow()
    due = list((await session.scalars(
        select(Order.id).where(Order.status == OrderStatus.RECEIVED, Order.id.in_(
            select(OrderSignOff.order_id).where(OrderSignOff.status == SignOffStatus.PENDING,
                                                OrderSignOff.hold_until <= now))).order_by(Order.id))).all())
    await session.rollback()
    codes = []
    for order_id in due:
        code = await _expire_one(session, book, order_id, now, publisher)
        if code is not None:
            codes.append(code)
    return codes


async def _expire_one(session: AsyncSession, book: RuleBook, order_id: int, now: datetime,
                      publisher: EventPublisher | None) -> str | None:
    order = await session.scalar(select(Order).where(Order.id == order_id).with_for_update())
    if order is None or order.status is not OrderStatus.RECEIVED:
        await session.rollback()
        return None
    roles = await close_pending(session, order.id, "nobody answered before the hold expired", due_by=now)
    if not roles:  # answered meanwhile
        await session.rollback()
        return None
    hours = await release_hold(session, order.id)
    saved = await load_saved(session, order)
    lines, context, priced = saved.lines, saved.context, saved.priced
    a = await assess(session, book, Request(context, priced, order.requested_date, order.id, order.rush_cause),
                     now.date(), saving=True)
    result = await review_result(session, a, context, [p.quantity for p in priced], book.version)
    session.add(review_row(order, a, result))
    await write_deliveries(session, order, lines, a)
    # release_hold cancelled its SUGGESTED production orders: an acceptance raises them again, with no second UPDATE.
    status, moved = await settle_review(session, order, lines, a, SYSTEM, suggested_cancelled=True)
    await record_rush(session, order, a)
    waiting = f"; waiting again for {', '.join(r.role for r in a.review.sign_offs)}" \
        if status is OrderStatus.RECEIVED else ""
    event = record_order_event(
        session, order, kinds.HOLD_EXPIRED, actor=SYSTEM, to_status=status,
        message=f"no sign-off by {', '.join(roles)} in time: {hours:g} h held given back; reviewed again: "
                f"{a.decision.value} ({a.review.reason}){waiting}",
        after={"expired": roles, "decision": a.decision.value})
    await session.commit()
    await publish(publisher, [event, *moved])
    return order.code


async def expire_forever(sessions: Callable[[], Any], rule_book: Callable[[], RuleBook], interval_seconds: float,
                         publisher: EventPublisher | None = None) -> None:
    """The API process's expiry loop (started by the app's lifespan): a failed round is logged, never fatal."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            async with sessions() as session:
                expired = await expire_holds(session, rule_book(), publisher=publisher)
            if expired:
                log.info("sign-off holds expired and reviewed again: %s", ", ".join(expired))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sign-off hold expiry round failed; the next round retries")
