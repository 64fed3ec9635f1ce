"""Record the statements a use case sends: SQLAlchemy's, and on PostgreSQL what goes in the commit's pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import psycopg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

PIPELINED = "PIPELINE "  # prefix of a statement sent in an explicit psycopg pipeline (domain/capacity/commit.py)


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every statement in order, one line each; those sent in the commit's pipeline (the ledger UPDATE and COMMIT,
    which SQLAlchemy does not see) prefixed with PIPELINED."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    executemany, commit = psycopg.AsyncCursor.executemany, psycopg.AsyncConnection.commit

    async def pipelined_executemany(self: psycopg.AsyncCursor[Any], query: Any, *args: Any, **kwargs: Any) -> None:
        if self.connection._pipeline is not None:  # SQLAlchemy's own executemany opens none before the call
            seen.append(PIPELINED + " ".join(str(query).split()))
        await executemany(self, query, *args, **kwargs)

    async def pipelined_commit(self: psycopg.AsyncConnection[Any]) -> None:
        if self._pipeline is not None:
            seen.append(PIPELINED + "COMMIT")
        await commit(self)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        with (mock.patch.object(psycopg.AsyncCursor, "executemany", pipelined_executemany),
              mock.patch.object(psycopg.AsyncConnection, "commit", pipelined_commit)):
            yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def after_the_ledger_update(seen: list[str], dialect: str) -> list[str]:
    """What follows the one ledger UPDATE (given back and taken in one executemany). On PostgreSQL it must have gone
    in the commit's pipeline (the COMMIT follows it there); SQLite's COMMIT is not a cursor statement."""
    updates = [i for i, s in enumerate(seen) if "UPDATE capacity_ledger" in s]
    assert len(updates) == 1, "the old hours are given back and the new ones taken in one executemany"
    after = seen[updates[0] + 1:]
    if dialect == "postgresql":
        assert seen[updates[0]].startswith(PIPELINED + "WITH taken AS (UPDATE capacity_ledger"), seen[updates[0]]
        assert after[:1] == [PIPELINED + "COMMIT"], after
        return after[1:]
    return after
