"""Commit a transaction whose ledger UPDATEs were held (ledger.hold_writes): on PostgreSQL they go with the COMMIT.

The held writes (held_rows: a new order's reservations and production orders; a changed order's review, deliveries
and closed alert too), the held REBOOK entries, in
(line, week) order, and the COMMIT are sent as one simple-query message (their values bound on the client), so the
server locks the ledger rows, updates them and commits without waiting for the client at any point: no turn of this
process's event loop, and no other request's work, can come between the first UPDATE and the COMMIT while the rows
are locked (a psycopg pipeline sent them in several writes, with the event loop free in between). The fit test runs
on the server (ledger.REBOOK_OR_FAIL: SQLSTATE SOP01, mapped back to CapacityTaken, so with_retries decides again); a
statement that fails skips the rest of the message, COMMIT included. Everything else the transaction writes is
flushed before, and a failed take leaves none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import psycopg
from sqlalchemy import Insert
from sqlalchemy.engine import Compiled, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from domain.capacity import held_rows, lock_timing, one_message
from domain.capacity.ledger import (
    CAPACITY_TAKEN_STATE,
    LOCKED_AT,
    REBOOK_OR_FAIL,
    REBOOK_OR_FAIL_TIMED,
    CapacityTaken,
    take_held,
)
from domain.capacity.transaction_marks import transaction_mark

log = logging.getLogger(__name__)
AFTER_COMMIT = "sent_after_commit"  # session.info: makers of the SQL text sent after the COMMIT, in its message
transaction_mark(AFTER_COMMIT, "statements are kept for after the commit: commit with domain.capacity.commit.commit")
_compiled: dict[tuple[str, bool], Compiled] = {}
# (dialect, id of the INSERT, its columns) -> the statement, its SQL for psycopg and its bind processors (enum values)
_inserts: dict[tuple[str, int, tuple[str, ...]], tuple[Insert, str, SQLCompiler]] = {}
# The timed message's clocks: when the first ledger row was updated and after the last UPDATE, then after the COMMIT.
_LOCKED_AND_UPDATED = f"SELECT current_setting('{LOCKED_AT}')::timestamptz, clock_timestamp()"
_COMMITTED = "SELECT clock_timestamp()"


def announce_after_commit(session: AsyncSession, statements: Callable[[], list[str]]) -> bool:
    """Send these statements (announcements: a NOTIFY) in the commit's message, after the COMMIT, instead of a round
    trip of their own once commit() returned. They run in a transaction of their own after this one has committed,
    so they take no lock while its rows are held (NOTIFY's commit lock waits for a WAL flush), and one that fails is
    logged: the change stands, as when a publish after the commit fails. PostgreSQL only; False (nothing kept)
    elsewhere. They are dropped with a rollback, so a lost race announces nothing. `statements` is called after the
    commit's flush, so it may name rows (events) the session has not written yet."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.sync_session.info.setdefault(AFTER_COMMIT, []).append(statements)
    return True


class _CountingCursor(psycopg.AsyncClientCursor[Any]):
    """Counts the results a message got back, the failed one included: which statement failed (the server runs none
    after it)."""

    answered: int | None = None

    def _check_results(self, results: list[Any]) -> None:
        self.answered = len(results)
        super()._check_results(results)


async def commit(session: AsyncSession) -> None:
    """session.commit(), with the held writes and ledger UPDATEs sent in the same message as the COMMIT."""
    entries = take_held(session)
    rows = held_rows.take(session)
    announcing = cast(list[Callable[[], list[str]]], session.sync_session.info.pop(AFTER_COMMIT, None) or [])
    if not entries and not rows and not announcing:
        await session.commit()
        return
    await session.flush()  # every other write goes in first, before any ledger row is locked
    after = [statement for make in announcing for statement in make()]  # ids exist once flushed
    cursor, dialect = await one_message.client_cursor(session, _CountingCursor)
    timed = lock_timing.enabled() and bool(entries)
    compiled = _statement(dialect, timed)
    sql = str(compiled)
    inserts = [cursor.mogrify(held_sql, values) for statement, given in rows
               for held_sql, values in (_driver_insert(dialect, statement, given) if isinstance(statement, Insert)
                                        else [one_message.bound(dialect, statement, p) for p in given])]
    updates = [cursor.mogrify(sql, dict(compiled.construct_params(e) or {})) for e in entries]
    if entries:
        lock_timing.mark(session)
    before_commit = [*inserts, *updates, _LOCKED_AND_UPDATED] if timed else [*inserts, *updates]
    try:
        try:
            await send(cursor, [*before_commit, "COMMIT", *([_COMMITTED] if timed else []), *after])
        except psycopg.Error:
            # Answered up to the failed one: at or before the COMMIT, nothing was committed; after it (the timing
            # read or an announcement), the change stands.
            if cursor.answered is None or cursor.answered <= len(before_commit) + 1:
                raise
            log.exception("the commit's message failed after its COMMIT (the change stands): %s", after)
        else:
            if timed:
                await _note_server_clocks(session, cursor, len(inserts) + len(updates))
    except psycopg.Error as error:
        if error.sqlstate == CAPACITY_TAKEN_STATE:
            raise CapacityTaken(error.diag.message_primary or str(error)) from None
        # As SQLAlchemy would have wrapped it: retry.py and outage.py read DBAPIError (deadlock, lock timeout).
        raise DBAPIError.instance(sql, None, error, psycopg.Error, dialect=dialect) from error
    finally:
        await cursor.close()
    # The server has committed: psycopg's commit on an idle connection sends nothing; this ends SQLAlchemy's
    # transaction and runs its after_commit hooks (lock_timing).
    await session.commit()


async def send(cursor: psycopg.AsyncClientCursor[Any], statements: Sequence[str]) -> None:
    """The statements as one message (simple-query protocol: no parameters left, so several statements may go)."""
    await cursor.execute("; ".join(statements))


async def _note_server_clocks(session: AsyncSession, cursor: psycopg.AsyncClientCursor[Any], before: int) -> None:
    """The server's hold (first ledger row updated -> after the COMMIT) and the part of it before the COMMIT (the
    other UPDATEs, with any wait for rows another transaction holds), read from the message's two SELECTs."""
    for _ in range(before):
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


def _driver_insert(dialect: Dialect, statement: Insert, rows: list[dict[str, Any]]
                   ) -> list[tuple[str, dict[str, Any]]]:
    """A held INSERT as psycopg takes it: its SQL (compiled once per statement and columns) with each row's
    parameters, converted as SQLAlchemy would (an enum member to its stored value)."""
    columns = tuple(rows[0])
    key = (dialect.name, id(statement), columns)
    if key not in _inserts:
        made = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(columns)))
        _inserts[key] = (statement, made.string, made)  # the statement kept: its id stays its own
    _, sql, compiled = _inserts[key]
    # What SQLAlchemy's execution applies to each parameter (a tuple only for types this path never holds).
    processors = cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors)
    out = []
    for row in rows:
        values = dict(compiled.construct_params(row) or {})
        for name, process in processors.items():
            if name in values and values[name] is not None:
                values[name] = process(values[name])
        out.append((sql, values))
    return out
