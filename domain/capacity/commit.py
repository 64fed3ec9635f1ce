"""Commit a transaction whose ledger UPDATEs were held (ledger.hold_writes): on PostgreSQL they go with the COMMIT.

The held REBOOK entries, in (line, week) order, and the COMMIT are sent in one psycopg pipeline, so the server
locks the ledger rows, updates them and commits in one round trip: no other request's turn of the event loop
comes between the UPDATE's answer and the COMMIT while the rows are locked. The fit test runs on the server
(ledger.REBOOK_OR_FAIL: SQLSTATE SOP01, mapped back to CapacityTaken, so with_retries decides again); everything
else the transaction writes is flushed before, and a failed take leaves none of it.
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import lock_timing
from domain.capacity.ledger import CAPACITY_TAKEN_STATE, REBOOK_OR_FAIL, CapacityTaken, take_held

_compiled: dict[str, Compiled] = {}


async def commit(session: AsyncSession) -> None:
    """session.commit(), with the held ledger UPDATEs sent in the same round trip as the COMMIT."""
    entries = take_held(session)
    if not entries:
        await session.commit()
        return
    await session.flush()  # every other write goes in first, before any ledger row is locked
    connection = await session.connection()
    compiled = _statement(connection.dialect)
    sql = str(compiled)
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    params = [dict(compiled.construct_params(e) or {}) for e in entries]
    lock_timing.mark(session)
    try:
        if lock_timing.enabled():
            await _timed(session, driver, sql, params)
        else:
            async with driver.pipeline():
                async with driver.cursor() as cursor:
                    await cursor.executemany(sql, params)
                await driver.commit()
    except psycopg.Error as error:
        if error.sqlstate == CAPACITY_TAKEN_STATE:
            raise CapacityTaken(error.diag.message_primary or str(error)) from None
        # As SQLAlchemy would have wrapped it: retry.py and outage.py read DBAPIError (deadlock, lock timeout).
        raise DBAPIError.instance(sql, None, error, psycopg.Error, dialect=connection.dialect) from error
    # The server has committed: psycopg's commit on an idle connection sends nothing; this ends SQLAlchemy's
    # transaction and runs its after_commit hooks (lock_timing).
    await session.commit()


async def _timed(session: AsyncSession, driver: psycopg.AsyncConnection[Any], sql: str,
                 params: list[dict[str, Any]]) -> None:
    """The same pipeline with the server's clock read before the first ledger UPDATE, after the last and after the
    COMMIT (that SELECT runs in an implicit transaction the pipeline's Sync ends): what the rows were held, and how
    much of it before the COMMIT (the UPDATEs, with any wait for rows another transaction holds)."""
    clocks = [driver.cursor() for _ in range(3)]
    async with driver.pipeline():
        await clocks[0].execute("SELECT clock_timestamp()")
        async with driver.cursor() as cursor:
            await cursor.executemany(sql, params)
        await clocks[1].execute("SELECT clock_timestamp()")
        await driver.execute("COMMIT")
        await clocks[2].execute("SELECT clock_timestamp()")
    started, updated, ended = [await c.fetchone() for c in clocks]
    if started is not None and updated is not None and ended is not None:
        lock_timing.held_on_server(session, (ended[0] - started[0]).total_seconds() * 1000,
                                   (updated[0] - started[0]).total_seconds() * 1000)


def _statement(dialect: Dialect) -> Compiled:
    compiled = _compiled.get(dialect.name)
    if compiled is None:
        compiled = _compiled[dialect.name] = REBOOK_OR_FAIL.compile(dialect=dialect)
    return compiled
