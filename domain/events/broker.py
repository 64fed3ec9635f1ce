"""The broker interface, its channels, and the one publisher use cases call after they commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

log = logging.getLogger(__name__)

ORDER_EVENTS = "order_events"  # ids of OrderEvent rows (the order history)
ALERTS = "alerts"  # ids of Alert rows
PLANS = "plans"  # ids of Plan rows, as each goes into force (plan consensus, R5)
CHANNELS = (ORDER_EVENTS, ALERTS, PLANS)


class EventBroker(Protocol):
    """Carries row ids, never rows: a message stays tiny and subscribers read only what they may see."""

    async def publish(self, channel: str, row_id: int) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[int]]: ...

    async def close(self) -> None: ...


class EventPublisher:
    """What a use case calls AFTER its transaction committed (a rolled-back row must never be announced)."""

    def __init__(self, broker: EventBroker) -> None:
        self.broker = broker

    async def publish_order_event(self, order_event_id: int) -> None:
        await self._publish(ORDER_EVENTS, order_event_id)

    def order_events_after_commit(self, events: Callable[[], list[int]]) -> Callable[[], list[str]] | None:
        """Statements that announce these order events when sent right after the writer's COMMIT, in the commit's
        own message (domain/capacity/commit.py: announce_after_commit), when the broker can (PostgreSQL's NOTIFY);
        None: publish them after the commit. `events` gives the rows' ids and is called at the commit, after its
        flush: an event recorded with session.add (a moved order's, a negotiation's) has no id before that."""
        after_commit = getattr(self.broker, "notify_statement", None)
        if after_commit is None:
            return None
        return lambda: [after_commit(ORDER_EVENTS, row_id) for row_id in events()]

    async def publish_alert(self, alert_id: int) -> None:
        await self._publish(ALERTS, alert_id)

    async def publish_plan(self, plan_id: int) -> None:
        await self._publish(PLANS, plan_id)

    async def _publish(self, channel: str, row_id: int) -> None:
        # The change is already committed: a lost notification must not turn it into an error.
        try:
            await self.broker.publish(channel, row_id)
        except Exception:
            log.exception("could not publish %s %s", channel, row_id)


def make_broker(database_url: str) -> EventBroker:
    """PostgreSQL fans out across processes with LISTEN/NOTIFY; SQLite has one process, so in-process."""
    from domain.db import is_postgres

    if is_postgres(database_url):
        from domain.events.postgres import PostgresBroker

        return PostgresBroker(database_url)
    from domain.events.memory import InProcessBroker

    return InProcessBroker()
