"""Commit a transaction whose ledger UPDATEs were held (ledger.hold_writes): on PostgreSQL they go with the COMMIT.

The held INSERTs (held_rows: a new order's reservations and production orders), the held REBOOK entries, in
(line, week) order, and the COMMIT are sent in one psycopg pipeline, so the server
locks the ledger rows, updates them and commits in one round trip: no other request's turn of the event loop
comes between the UPDATE's answer and the COMMIT while the rows are locked. The fit test runs on the server
(ledger.REBOOK_OR_FAIL: SQLSTATE SOP01, mapped back to CapacityTaken, so with_retries decides again); everything
else the transaction writes is flushed before, and a failed take leaves none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import psycopg
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from domain.capacity import held_rows, lock_timing
from domain.capacity.held_rows import HeldStatement
from domain.capacity.ledger import (
    CAPACITY_TAKEN_STATE,
    LOCKED_AT,
    REBOOK_OR_FAIL,
    REBOOK_OR_FAIL_TIMED,
    CapacityTaken,
    take_held,
)

_compiled: dict[tuple[str, bool], Compiled] = {}
# (dialect, id of the INSERT, its columns) -> the statement, its SQL for psycopg and its bind processors (enum values)
_inserts: dict[tuple[str, int, tuple[str, ...]], tuple[HeldStatement, str, SQLCompiler]] = {}


async def commit(session: AsyncSession) -> None:
    """session.commit(), with the held INSERTs and ledger UPDATEs sent in the same round trip as the COMMIT."""
    entries = take_held(session)
    rows = held_rows.take(session)
    if not entries and not rows:
        await session.commit()
        return
    await session.flush()  # every other write goes in first, before any ledger row is locked
    connection = await session.connection()
    timed = lock_timing.enabled() and bool(entries)
    compiled = _statement(connection.dialect, timed)
    sql = str(compiled)
    driver = (await connection.get_raw_connection()).driver_connection
    assert isinstance(driver, psycopg.AsyncConnection)
    params = [dict(compiled.construct_params(e) or {}) for e in entries]
    inserts = [_driver_insert(connection.dialect, statement, given) for statement, given in rows]
    if entries:
        lock_timing.mark(session)
    try:
        if timed:
            await _timed(session, driver, inserts, sql, params)
        else:
            async with driver.pipeline():
                async with driver.cursor() as cursor:
                    for insert_sql, insert_params in inserts:
                        await cursor.executemany(insert_sql, insert_params)
                    if params:
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


async def _timed(session: AsyncSession, driver: psycopg.AsyncConnection[Any],
                 inserts: list[tuple[str, list[dict[str, Any]]]], sql: str, params: list[dict[str, Any]]) -> None:
    """The same pipeline with the server's clock noted when the first ledger row is updated (REBOOK_OR_FAIL_TIMED),
    after the last and after the COMMIT (that SELECT runs in an implicit transaction the pipeline's Sync ends): what
    the rows were held, and how much of it before the COMMIT (the other UPDATEs, with any wait for rows another
    transaction holds). No result is read before the Sync: the timing adds no round trip."""
    locked, ended = driver.cursor(), driver.cursor()
    async with driver.pipeline():
        async with driver.cursor() as cursor:
            for insert_sql, insert_params in inserts:
                await cursor.executemany(insert_sql, insert_params)
            await cursor.executemany(sql, params)
        await locked.execute(f"SELECT current_setting('{LOCKED_AT}')::timestamptz, clock_timestamp()")
        await driver.execute("COMMIT")
        await ended.execute("SELECT clock_timestamp()")
    first_and_last, end = await locked.fetchone(), await ended.fetchone()
    if first_and_last is not None and end is not None:
        first, last = first_and_last
        lock_timing.held_on_server(session, (end[0] - first).total_seconds() * 1000,
                                   (last - first).total_seconds() * 1000)


def _statement(dialect: Dialect, timed: bool) -> Compiled:
    compiled = _compiled.get((dialect.name, timed))
    if compiled is None:
        statement = REBOOK_OR_FAIL_TIMED if timed else REBOOK_OR_FAIL
        compiled = _compiled[(dialect.name, timed)] = statement.compile(dialect=dialect)
    return compiled


def _driver_insert(dialect: Dialect, statement: HeldStatement, rows: list[dict[str, Any]]
                   ) -> tuple[str, list[dict[str, Any]]]:
    """A held INSERT as psycopg takes it: its SQL (compiled once per statement and columns) and each row's parameters,
    converted as SQLAlchemy would (an enum member to its stored value)."""
    columns = tuple(rows[0])
    key = (dialect.name, id(statement), columns)
    if key not in _inserts:
        made = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(columns)))
        _inserts[key] = (statement, made.string, made)  # the statement kept: its id stays its own
    _, sql, compiled = _inserts[key]
    # What SQLAlchemy's execution applies to each parameter (a tuple only for types this path never holds).
    processors = cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors)
    params = []
    for row in rows:
        values = dict(compiled.construct_params(row) or {})
        for name, process in processors.items():
            if name in values and values[name] is not None:
                values[name] = process(values[name])
        params.append(values)
    return sql, params
