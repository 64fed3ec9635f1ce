"""Run a promising transaction again when another one took the hours, the stock (or the lock) first."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.ledger import CapacityTaken
from domain.errors import Busy
from domain.orders.finished_goods import StockTaken

T = TypeVar("T")
ATTEMPTS = 6
BACKOFF_SECONDS = 0.02  # the most the n-th retry waits is n x this: about one attempt's time, times n
# PostgreSQL deadlock / serialization failure; SQLite's lock timeout.
RETRYABLE_STATES = {"40P01", "40001"}


def _retryable(error: BaseException) -> bool:
    if isinstance(error, CapacityTaken | StockTaken):
        return True
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None)
        return state in RETRYABLE_STATES or "database is locked" in str(error.orig)
    return False


async def with_retries(session: AsyncSession, attempt: Callable[[], Awaitable[T]]) -> T:
    """attempt() does the whole unit of work including commit; on a race it is rolled back and run again.

    Each new attempt reads the ledger afresh, so the answer reflects what the winner took.
    """
    for tried in range(1, ATTEMPTS + 1):
        try:
            return await attempt()
        except BaseException as error:
            await session.rollback()
            if not isinstance(error, Exception) or not _retryable(error):
                raise
            if tried == ATTEMPTS:  # a deadlock or lock timeout too, not only lost hours
                raise Busy("capacity kept changing while promising this order; send the same request again") from None
        # Apart a little, at random: racers that retried at once met again (4 of 308 orders from
        # 10 clients on the small plant lost all six attempts).
        await asyncio.sleep(random.uniform(0, BACKOFF_SECONDS * tried))
    raise AssertionError("unreachable: the last attempt returns or raises")
