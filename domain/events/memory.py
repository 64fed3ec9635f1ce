"""In-process broker: one bounded queue per subscriber; enough for one server process (SQLite)."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)


async def _drain(queue: asyncio.Queue[int]) -> AsyncIterator[int]:
    while True:
        yield await queue.get()


class InProcessBroker:
    def __init__(self, queue_size: int = 1000) -> None:
        self.queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)

    async def publish(self, channel: str, row_id: int) -> None:
        self.deliver(channel, row_id)

    def deliver(self, channel: str, row_id: int) -> None:
        for queue in list(self._subscribers[channel]):
            try:
                queue.put_nowait(row_id)
            except asyncio.QueueFull:
                # A stalled subscriber must not hold up the publisher or the others.
                log.warning("subscriber on %s is %d events behind; dropping %s", channel, queue.qsize(), row_id)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[int]]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=self.queue_size)
        self._subscribers[channel].add(queue)
        try:
            yield _drain(queue)
        finally:
            self._subscribers[channel].discard(queue)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers[channel])

    async def close(self) -> None:
        self._subscribers.clear()
