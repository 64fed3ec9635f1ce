"""Several statements as one simple-query message on a session's psycopg connection (PostgreSQL only).

The values are bound on the client (psycopg's AsyncClientCursor.mogrify, as SQLAlchemy would convert them), so the
statements go in one round trip and skip SQLAlchemy's per-statement work (about 0.3-0.6 ms of Python each). The
server runs them in order, each with a snapshot of its own (READ COMMITTED): a statement that waited for a row lock is
followed by one that sees what the lock's holder committed. A statement that fails skips the rest of the message.
commit.py sends the held INSERTs, ledger UPDATEs and the COMMIT this way; reads that belong together use fetch_all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import psycopg
from psycopg.types.json import _JsonWrapper
from sqlalchemy import Executable, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.compiler import SQLCompiler

# (dialect, id of the statement) -> the statement (kept, so its id stays its own), its compiled form and the names of
# its expanding IN lists (SQLAlchemy's bind names: an IN over constants has an anonymous one, valued by the statement)
_compiled: dict[tuple[str, int], tuple[Executable, SQLCompiler, list[str]]] = {}
# (dialect, id of the statement, lengths of its expanding lists) -> its SQL with those lists rendered and the bind
# processors of the rendered values; None: the rendering names the values otherwise than expected (always expanded)
_expanded: dict[tuple[str, int, tuple[int, ...]], tuple[str, Mapping[str, Callable[[Any], Any]]] | None] = {}
EXPANDED_KEPT = 2000  # renderings kept at most (a few kB each)


def bound(dialect: Dialect, statement: Executable, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The statement's SQL for psycopg (compiled once; expanding IN lists rendered for these values) and its values,
    converted as SQLAlchemy's execution would (an enum member to its stored value).

    The rendering of the IN lists is kept per list lengths: SQLAlchemy's expansion, run per call, was most of the
    CPU of binding a message's statements (a createOrder binds seven)."""
    key = (dialect.name, id(statement))
    if key not in _compiled:
        made = cast(SQLCompiler, statement.compile(dialect=dialect))  # type: ignore[attr-defined]
        _compiled[key] = (statement, made, sorted({made.bind_names[p] for p in made.post_compile_params}))
    _, compiled, expanding = _compiled[key]
    if compiled.literal_execute_params:
        return _expanded_now(compiled, params)
    # The statement's own values too: an IN over constants (a status list) is valued by its bind, not by params.
    given = dict(compiled.construct_params(dict(params)) or {})
    if any(not isinstance(given.get(name), list | tuple) for name in expanding):
        return _expanded_now(compiled, params)
    shape = (*key, tuple(len(given[name]) for name in expanding))
    if shape not in _expanded:
        sql, values = _expanded_now(compiled, params)
        if len(_expanded) >= EXPANDED_KEPT:  # list lengths vary with orders: a bound on what is kept, not an LRU
            _expanded.clear()
        _expanded[shape] = _rendered(compiled, params, given, expanding, sql, values)
        return sql, values
    kept = _expanded[shape]
    if kept is None:
        return _expanded_now(compiled, params)
    sql, processors = kept
    return sql, _values(given, expanding, processors)


def _expanded_now(compiled: SQLCompiler, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """SQLAlchemy's own expansion, for this call."""
    state = compiled.construct_expanded_state(dict(params))
    values = dict(state.parameters)
    # The statement's own processors, and those of the values an expanding IN list was rendered into.
    processors = {**cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors), **state.processors}
    for name, process in processors.items():
        if name in values and values[name] is not None:
            values[name] = process(values[name])
    return state.statement, values


def _values(given: dict[str, Any], expanding: list[str], processors: Mapping[str, Callable[[Any], Any]]
            ) -> dict[str, Any]:
    """The values for a kept rendering (given: construct_params' values, changed here): each expanding list's items
    as name_1, name_2, ... (SQLAlchemy's names)."""
    for name in expanding:
        for index, item in enumerate(given.pop(name), 1):
            given[f"{name}_{index}"] = item
    for name, process in processors.items():
        if name in given and given[name] is not None:
            given[name] = process(given[name])
    return given


def _rendered(compiled: SQLCompiler, params: Mapping[str, Any], given: dict[str, Any], expanding: list[str], sql: str,
              values: dict[str, Any]) -> tuple[str, Mapping[str, Callable[[Any], Any]]] | None:
    """What to keep of this expansion: its SQL and processors, if _values gives the very values it gave (else None:
    this statement is expanded on every call, as before)."""
    state = compiled.construct_expanded_state(dict(params))
    processors = {**cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors), **state.processors}
    mine = _values(dict(given), expanding, processors)
    return (sql, processors) if mine.keys() == values.keys() and all(
        _same(mine[name], values[name]) for name in values) else None


def _same(mine: Any, theirs: Any) -> bool:
    """Equal values; a JSON column's processor wraps its value (psycopg's Json, which compares by identity): the
    wrapped values are compared."""
    if type(mine) is not type(theirs):
        return False
    return bool(mine.obj == theirs.obj) if isinstance(mine, _JsonWrapper) else bool(mine == theirs)


# session.info: (the transaction, its psycopg connection, the dialect), as client_cursor last found them
_DRIVER = "sop.one_message_driver"


async def _driver(session: AsyncSession) -> tuple[psycopg.AsyncConnection[Any], Dialect]:
    """The psycopg connection of the session's transaction, and its dialect.

    The connection is looked up once per transaction: session.connection() (a greenlet switch) cost about as much
    as binding a statement, and a createOrder asks five times. A new transaction (after a commit or rollback) is
    another object, so it looks the connection up again."""
    sync = session.sync_session
    transaction = sync.get_transaction()
    kept = sync.info.get(_DRIVER)
    if transaction is None or kept is None or kept[0] is not transaction:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert isinstance(driver, psycopg.AsyncConnection), "one message needs PostgreSQL through psycopg"
        kept = sync.info[_DRIVER] = (sync.get_transaction(), driver, connection.dialect)
    return kept[1], kept[2]


C = TypeVar("C", bound=psycopg.AsyncClientCursor[Any])


async def client_cursor(session: AsyncSession, kind: type[C]) -> tuple[C, Dialect]:
    """A client-side-binding cursor (of this kind) on the connection (and in the transaction) the session uses."""
    driver, dialect = await _driver(session)
    return kind(driver), dialect


async def fetch_one(session: AsyncSession, statement: Executable, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """One statement's rows, bound on the server as SQLAlchemy's execution binds them (psycopg prepares a statement
    it has run a few times on the connection, so the server plans it once), without SQLAlchemy's per-call work
    (cache key, execution context, result processing: the caller converts what it reads, e.g. an enum's value).
    A database error is raised as fetch_all raises it."""
    driver, dialect = await _driver(session)
    sql, values = bound(dialect, statement, params)
    cursor = driver.cursor()
    try:
        await execute(cursor, sql, values)
        return list(await cursor.fetchall())
    except psycopg.Error as error:
        raise DBAPIError.instance(sql, None, error, psycopg.Error, dialect=dialect) from error
    finally:
        await cursor.close()


async def execute(cursor: psycopg.AsyncCursor[Any], sql: str, values: Mapping[str, Any]) -> None:
    """fetch_one's statement, bound on the server (tests record it here, as they record send's messages)."""
    await cursor.execute(sql, values)


@event.listens_for(Session, "after_transaction_end")
def _forget_driver(session: Session, transaction: SessionTransaction) -> None:
    """The connection is the transaction's: none is kept past its end (commit, rollback, or a lost connection)."""
    if transaction.parent is None:
        session.info.pop(_DRIVER, None)


async def send(cursor: psycopg.AsyncClientCursor[Any], statements: Sequence[str]) -> None:
    """The statements as one message (simple-query protocol: no parameters left, so several statements may go).
    commit.send is the commit's own (tests record the two apart)."""
    await cursor.execute("; ".join(statements))


async def fetch_all(session: AsyncSession, statements: Sequence[tuple[Executable, Mapping[str, Any]]]
                    ) -> list[list[tuple[Any, ...]]]:
    """Run these (statement, values) in one message; every statement's rows, in order. A database error is raised
    as SQLAlchemy would have wrapped it (retry.py and outage.py read DBAPIError: deadlock, lock timeout)."""
    cursor, dialect = await client_cursor(session, psycopg.AsyncClientCursor)
    sql = [cursor.mogrify(*bound(dialect, statement, params)) for statement, params in statements]
    try:
        await send(cursor, sql)
        results: list[list[tuple[Any, ...]]] = []
        for index in range(len(sql)):
            if index:
                cursor.nextset()
            results.append(list(await cursor.fetchall()))
        return results
    except psycopg.Error as error:
        raise DBAPIError.instance("; ".join(sql), None, error, psycopg.Error, dialect=dialect) from error
    finally:
        await cursor.close()
