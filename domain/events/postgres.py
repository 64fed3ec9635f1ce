"""PostgreSQL LISTEN/NOTIFY broker: events reach the subscribers of every API process sharing the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from sqlalchemy.engine import make_url

from domain.events.broker import CHANNELS
from domain.events.memory import InProcessBroker

log = logging.getLogger(__name__)
PREFIX = "sop_"
MAX_PAYLOAD = 7999  # NOTIFY payloads must stay below 8000 bytes; ours are row ids


def conninfo(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresBroker:
    """One listening connection per process fans notifications out to local subscribers."""

    def __init__(self, database_url: str, retry_seconds: float = 1.0) -> None:
        self._conninfo = conninfo(database_url)
        self._retry_seconds = retry_seconds
        self._local = InProcessBroker()
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._publisher: psycopg.AsyncConnection[object] | None = None
        self._publish_lock = asyncio.Lock()

    @staticmethod
    def notify_statement(channel: str, row_id: int) -> str:
        """The NOTIFY that announces this row id, as SQL text a writer's connection sends (no parameters: the channel
        is one of ours, the payload an integer)."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        return f"NOTIFY {PREFIX}{channel}, '{int(row_id)}'"

    async def publish(self, channel: str, row_id: int) -> None:
        payload = str(row_id)
        assert len(payload) <= MAX_PAYLOAD
        async with self._publish_lock:
            for attempt in (1, 2):
                try:
                    if self._publisher is None or self._publisher.closed:
                        self._publisher = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                    await self._publisher.execute("SELECT pg_notify(%s, %s)", (PREFIX + channel, payload))
                    return
                except psycopg.OperationalError:
                    self._publisher = None  # the server restarted or dropped us: reconnect once
                    if attempt == 2:
                        raise

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[int]]:
        await self.start()
        async with self._local.subscribe(channel) as ids:
            yield ids

    async def start(self) -> None:
        """Start listening (once per process) and wait until LISTEN took effect."""
        if self._listener is None:
            self._listener = asyncio.create_task(self._listen_forever(), name="sop-event-listener")
        # The listener retries forever; a subscriber waits a bounded time and then gets an error.
        await asyncio.wait_for(self._listening.wait(), timeout=10)

    async def _listen_forever(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    for channel in CHANNELS:
                        await conn.execute(f"LISTEN {PREFIX}{channel}")
                    self._listening.set()
                    async for note in conn.notifies():
                        self._deliver(note.channel, note.payload)
            except psycopg.OperationalError:
                # Events published while reconnecting are lost to this process's subscribers.
                log.warning("event listener lost its connection; reconnecting", exc_info=True)
                await asyncio.sleep(self._retry_seconds)

    def _deliver(self, channel: str, payload: str) -> None:
        if not channel.startswith(PREFIX) or not payload.isdigit():
            log.warning("ignoring notification %r on %r", payload, channel)
            return
        self._local.deliver(channel.removeprefix(PREFIX), int(payload))

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
            self._listening.clear()
        if self._publisher is not None:
            await self._publisher.close()
            self._publisher = None
        await self._local.close()
