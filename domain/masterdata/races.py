"""Run a master-data change again when a concurrent writer of the same record won the race: both inserted a new
code, or both took the record's next audit version. The loser reads the winner's row and writes after it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Busy

T = TypeVar("T")
ATTEMPTS = 5
BACKOFF_SECONDS = 0.02
# PostgreSQL unique violation, deadlock, serialization failure; SQLite reports its lock timeout in words.
RETRYABLE_STATES = {"23505", "40P01", "40001"}


def lost_race(error: BaseException) -> bool:
    if isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(error.orig):  # SQLite
        return True
    if isinstance(error, DBAPIError):
        return getattr(error.orig, "sqlstate", None) in RETRYABLE_STATES or "database is locked" in str(error.orig)
    return False


async def with_race_retries(session: AsyncSession, change: Callable[[], Awaitable[T]]) -> T:
    """change() is the whole use case including its commit; a lost race is rolled back and run again on fresh rows.
    Busy (retry later) when it keeps losing: never a unique violation shown as an internal error."""
    for tried in range(1, ATTEMPTS + 1):
        try:
            return await change()
        except Exception as error:
            if not lost_race(error):
                raise
            await session.rollback()
            if tried == ATTEMPTS:
                raise Busy("the same record kept changing while this change was written; send it again") from None
        await asyncio.sleep(random.uniform(0, BACKOFF_SECONDS * tried))
    raise AssertionError("unreachable: the last attempt returns or raises")
