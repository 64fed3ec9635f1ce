"""Run a promising transaction again when another one took the hours (or the lock) first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.orders.ledger import CapacityTaken

T = TypeVar("T")
ATTEMPTS = 6
# PostgreSQL deadlock / serialization failure; SQLite's lock timeout.
RETRYABLE_STATES = {"40P01", "40001"}


def _retryable(error: BaseException) -> bool:
    if isinstance(error, CapacityTaken):
        return True
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None)
        return state in RETRYABLE_STATES or "database is locked" in str(error.orig)
    return False


async def with_retries(session: AsyncSession, attempt: Callable[[], Awaitable[T]]) -> T:
    """attempt() does the whole unit of work including commit; on a race it is rolled back and run again.

    Each new attempt reads the ledger afresh, so the answer reflects what the winner took.
    """
    for _ in range(ATTEMPTS - 1):
        try:
            return await attempt()
        except Exception as error:
            await session.rollback()
            if not _retryable(error):
                raise
    try:
        return await attempt()
    except CapacityTaken:
        await session.rollback()
        raise DomainError("capacity kept changing while promising this order; please try again") from None
    except BaseException:
        await session.rollback()
        raise
