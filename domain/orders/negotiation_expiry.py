"""Negotiated rush moves left unanswered (R15): past the policy's expiry hours they end as a decline, checked by
a loop in every API process and callable from a test with the domain clock pinned."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.events import EventPublisher
from domain.models import NegotiationStatus, Order, OrderEvent, RushNegotiation
from domain.orders.negotiations import end_negotiations
from domain.orders.retry import with_retries
from domain.orders.review import publish
from rules import RuleBook

log = logging.getLogger(__name__)


async def expire_negotiations(session: AsyncSession, book: RuleBook, publisher: EventPublisher | None = None) -> int:
    """Every negotiation past its expiry (by the domain clock) ends as a decline; returns how many rush orders
    got their answer. The API runs it periodically; each rush order is settled in its own transaction."""
    now = clock.now()
    rush_ids = list((await session.scalars(select(RushNegotiation.rush_order_id).where(
        RushNegotiation.status == NegotiationStatus.OPEN, RushNegotiation.expires_at <= now).distinct())).all())
    await session.rollback()
    for rush_id in rush_ids:
        events: list[OrderEvent] = []

        async def attempt(rush_id: int = rush_id, events: list[OrderEvent] = events) -> None:
            events.clear()
            # The orders first, as respondToProposal claims its order before it reads the negotiation: an answer
            # racing the expiry either wins (and the rows are no longer OPEN here) or waits for this commit.
            asked = select(RushNegotiation.order_id).where(RushNegotiation.rush_order_id == rush_id)
            await session.scalars(select(Order).where((Order.id == rush_id) | Order.id.in_(asked)).order_by(Order.id)
                                  .with_for_update().execution_options(populate_existing=True))
            expired = (await session.scalars(select(RushNegotiation).where(
                RushNegotiation.rush_order_id == rush_id, RushNegotiation.status == NegotiationStatus.OPEN,
                RushNegotiation.expires_at <= now).execution_options(populate_existing=True))).all()
            if expired:
                for row in expired:
                    row.status = NegotiationStatus.EXPIRED
                events.extend(await end_negotiations(session, book, rush_id, now.date(), "system:negotiation-expiry"))
            await session.commit()

        await with_retries(session, attempt)
        await publish(publisher, events)
    return len(rush_ids)



async def expire_forever(sessions: Callable[[], Any], rule_book: Callable[[], RuleBook], publisher: EventPublisher,
                         interval_seconds: float) -> None:
    """The API process's expiry loop (started by the app's lifespan): a failed round is logged, never fatal."""
    while True:
        try:
            async with sessions() as session:
                await expire_negotiations(session, rule_book(), publisher)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("negotiation expiry round failed; the next round retries")
        await asyncio.sleep(interval_seconds)
