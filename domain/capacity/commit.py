"""Commit a transaction whose ledger UPDATEs were held (ledger.hold_writes): on PostgreSQL they go with the COMMIT.

The held REBOOK entries, in (line, week) order, and the COMMIT are sent as one simple-query message (their values
bound on the client), so the server locks the ledger rows, updates them and commits without waiting for the client
at any point: no turn of this process's event loop, and no other request's work, can come between the first
UPDATE and the COMMIT while the rows are locked (a psycopg pipeline sent them in several writes, with the event
loop free in between). The fit test runs on the server (ledger.REBOOK_OR_FAIL: SQLSTATE SOP01, mapped back to
CapacityTaken, so with_retries decides again); a statement that fails skips the rest of the message, COMMIT
included. Everything else the transaction writes is flushed before, and a failed take leaves none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import lock_timing
from domain.capacity.ledger import (
    CAPACITY_TAKEN_STATE,
    LOCKED_AT,
    REBOOK_OR_FAIL,
    REBOOK_OR_FAIL_TIMED,
    CapacityTaken,
    take_held,
)

_compiled: dict[tuple[str, bool], Compiled] = {}
# The timed message's clocks: when the first ledger row was updated and after the last UPDATE, then after the COMMIT.
_LOCKED_AND_UPDATED = f"SELECT current_setting('{LOCKED_AT}')::timestamptz, clock_timestamp()"
_COMMITTED = "SELECT clock_timestamp()"


async def commit(session: AsyncSession) -> None:
    """session.commit(), with the held ledger UPDATEs sent in the same message as the COMMIT."""
    entries = take_held(session)
    if not entries:
        await session.commit()
        return
    await session.flush()  # every other write goes in first, before any ledger row is locked
    connection = await session.connection()
    timed = lock_timing.enabled()
    compiled = _statement(connection.dialect, timed)
    sql = str(compiled)
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    cursor = psycopg.AsyncClientCursor(driver)
    updates = [cursor.mogrify(sql, dict(compiled.construct_params(e) or {})) for e in entries]
    lock_timing.mark(session)
    try:
        if timed:
            await send(cursor, [*updates, _LOCKED_AND_UPDATED, "COMMIT", _COMMITTED])
            await _note_server_clocks(session, cursor, len(updates))
        else:
            await send(cursor, [*updates, "COMMIT"])
    except psycopg.Error as error:
        if error.sqlstate == CAPACITY_TAKEN_STATE:
            raise CapacityTaken(error.diag.message_primary or str(error)) from None
        # As SQLAlchemy would have wrapped it: retry.py and outage.py read DBAPIError (deadlock, lock timeout).
        raise DBAPIError.instance(sql, None, error, psycopg.Error, dialect=connection.dialect) from error
    finally:
        await cursor.close()
    # The server has committed: psycopg's commit on an idle connection sends nothing; this ends SQLAlchemy's
    # transaction and runs its after_commit hooks (lock_timing).
    await session.commit()


async def send(cursor: psycopg.AsyncClientCursor[Any], statements: Sequence[str]) -> None:
    """The statements as one message (simple-query protocol: no parameters left, so several statements may go)."""
    await cursor.execute("; ".join(statements))


async def _note_server_clocks(session: AsyncSession, cursor: psycopg.AsyncClientCursor[Any], updates: int) -> None:
    """The server's hold (first ledger row updated -> after the COMMIT) and the part of it before the COMMIT (the
    other UPDATEs, with any wait for rows another transaction holds), read from the message's two SELECTs."""
    for _ in range(updates):
        cursor.nextset()
    first, last = await _row(cursor)
    cursor.nextset()  # the COMMIT's
    cursor.nextset()
    (end,) = await _row(cursor)
    lock_timing.held_on_server(session, (end - first).total_seconds() * 1000, (last - first).total_seconds() * 1000)


async def _row(cursor: psycopg.AsyncClientCursor[Any]) -> tuple[Any, ...]:
    row = await cursor.fetchone()
    assert row is not None, "the timing SELECT answers one row"
    return tuple(row)


def _statement(dialect: Dialect, timed: bool) -> Compiled:
    compiled = _compiled.get((dialect.name, timed))
    if compiled is None:
        statement = REBOOK_OR_FAIL_TIMED if timed else REBOOK_OR_FAIL
        compiled = _compiled[(dialect.name, timed)] = statement.compile(dialect=dialect)
    return compiled
