"""An aiosqlite connection that runs each call at once on the event loop's thread, for a scratch database.

aiosqlite hands every call (execute, fetch, commit) to a worker thread and waits for its answer: on a busy
2-core machine each of those hand-overs costs a thread switch and a GIL exchange, and the simulation makes
hundreds of thousands of them. SQLite is in-process and never waits on a socket, so for a database that one
coroutine at a time uses (the simulation's scratch file), running the call in place is the same work without
the hop. Not for a server: a long query would hold the event loop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's interface; its worker thread only opens and closes the sqlite3 connection."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def inline_creator(path: str) -> Callable[[], InlineConnection]:
    """SQLAlchemy's async_creator for a SQLite file: the connection is used from the loop's thread, not its own."""
    def create() -> InlineConnection:
        return InlineConnection(partial(sqlite3.connect, path, check_same_thread=False), iter_chunk_size=64)
    return create
