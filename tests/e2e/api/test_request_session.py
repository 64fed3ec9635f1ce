"""The request's session closes only once nobody reads in it, whoever closes it and whenever."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from api.core.context import Context
from domain.config import Settings
from domain.db import async_engine, async_sessions, is_postgres


async def test_closing_waits_for_a_dataloader_batch_still_reading(db: Any, db_url: str) -> None:
    """Input: a batch reading in the request's session (a DataLoader's task) when the request closes, as when
    graphql-core cancelled `history` beside a refused `historyConnection(first: -1)` but not its batch. Before,
    close() closed the session under the running statement: "Cannot operate on a closed database" (SQLite) or
    "the connection is closed" (PostgreSQL) at request close, and the client got a 500 instead of its answer (here,
    without the wait, SQLAlchemy refuses the close while the statement is in progress)."""
    engine = async_engine(db_url)
    slow = ("SELECT 2 FROM pg_sleep(0.5)" if is_postgres(db_url) else
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) SELECT 2 + 0 * count(*) "
            "FROM n")
    try:
        ctx = Context(request=None, settings=Settings(database_url=db_url),  # type: ignore[arg-type]
                      sessions=async_sessions(engine), events=None)  # type: ignore[arg-type]
        reading = asyncio.Event()

        async def batch() -> Any:
            async with ctx.db() as session:
                reading.set()
                return (await session.execute(text(slow))).scalar()

        task = asyncio.create_task(batch())
        await reading.wait()
        await ctx.close()
        assert await task == 2
        async with ctx.db() as session:  # a later use opens a new session
            assert (await session.execute(text("SELECT 3"))).scalar() == 3
        await ctx.close()
    finally:
        await engine.dispose()
