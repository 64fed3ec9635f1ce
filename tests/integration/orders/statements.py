"""Record the statements a use case sends: SQLAlchemy's, and on PostgreSQL what goes in the commit's one message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import psycopg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.capacity import commit, one_message

WITH_COMMIT = "WITH THE COMMIT "  # prefix of a statement sent in the commit's one message (domain/capacity/commit.py)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every statement in order, one line each; those sent in the commit's one message (the ledger UPDATEs and the
    COMMIT, which SQLAlchemy does not see) prefixed with WITH_COMMIT; those sent together before it (one_message.py)
    as they are."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    send = commit.send

    async def recorded_send(cursor: psycopg.AsyncClientCursor[Any], message: list[str]) -> None:
        seen.extend(WITH_COMMIT + " ".join(statement.split()) for statement in message)
        await send(cursor, message)

    together = one_message.send

    async def recorded_together(cursor: psycopg.AsyncClientCursor[Any], message: list[str]) -> None:
        # Statements sent together outside the commit (one_message.fetch_all): each as SQLAlchemy would have shown it.
        seen.extend(" ".join(statement.split()) for statement in message)
        await together(cursor, message)

    execute = one_message.execute

    async def recorded_execute(cursor: psycopg.AsyncCursor[Any], sql: str, values: Any) -> None:
        # A statement one_message.fetch_one runs (bound on the server, as SQLAlchemy's are): as SQLAlchemy shows it.
        seen.append(" ".join(sql.split()))
        await execute(cursor, sql, values)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        with mock.patch.object(commit, "send", recorded_send), \
                mock.patch.object(one_message, "send", recorded_together), \
                mock.patch.object(one_message, "execute", recorded_execute):
            yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def after_the_ledger_update(seen: list[str], dialect: str) -> list[str]:
    """What follows the ledger UPDATEs (given back and taken in the same statements). On PostgreSQL they must have
    gone in the commit's one message, the COMMIT right after them; SQLite's COMMIT is not a cursor statement."""
    updates = [i for i, s in enumerate(seen) if "UPDATE capacity_ledger" in s]
    if dialect == "postgresql":
        assert updates == list(range(updates[0], updates[0] + len(updates))), "the UPDATEs go one after another"
        assert all(seen[i].startswith(WITH_COMMIT + "WITH taken AS (UPDATE capacity_ledger") for i in updates), seen
        after = seen[updates[-1] + 1:]
        assert after[:1] == [WITH_COMMIT + "COMMIT"], after
        return after[1:]
    assert len(updates) == 1, "the old hours are given back and the new ones taken in one executemany"
    return seen[updates[0] + 1:]
