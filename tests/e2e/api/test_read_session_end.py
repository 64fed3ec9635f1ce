"""A request's session that only read ends with COMMIT (psycopg keeps its prepared statements); one that may hold
writes still rolls back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text
from starlette.applications import Starlette

from api.core.context import Context
from domain.config import Settings
from domain.db import async_engine, async_sessions, is_postgres
from domain.models import Customer, CustomerTier
from tests.e2e.api.conftest import GraphQLClient

PAGE = "{ orders(first: 5) { edges { node { code customer { code } } } } }"


async def test_read_requests_keep_the_connections_prepared_statements(
        gql: GraphQLClient, app: Starlette, db_url: str) -> None:
    """Input: eight orders pages one after another (one pooled connection serves them). psycopg prepares a statement
    on its fifth run on a connection, but forgot the runs (and any prepared statement, with a DEALLOCATE ALL) at the
    ROLLBACK that ended every read request: before, no statement was ever prepared on a connection that served
    reads, and a mutation's prepared statements were lost after each read (bench/pg_prepared.py: 0.86 DEALLOCATE
    ALL per page+update pair)."""
    if not is_postgres(db_url):
        pytest.skip("prepared statements are psycopg's (PostgreSQL)")
    for _ in range(8):
        body = await gql(PAGE)
        assert "errors" not in body, body
    async with app.state.engine.connect() as conn:
        prepared = await conn.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql"))
    assert prepared > 0


def _context(db_url: str, engine: Any) -> Context:
    return Context(request=None, settings=Settings(database_url=db_url),  # type: ignore[arg-type]
                   sessions=async_sessions(engine), events=None)  # type: ignore[arg-type]


async def _customers(ctx: Context) -> int:
    async with ctx.db() as session:
        count = await session.scalar(select(func.count()).select_from(Customer))
    await ctx.close()
    return int(count or 0)


async def test_a_use_case_left_open_is_rolled_back(db: Any, db_url: str) -> None:
    """Input: a use case that wrote on the connection without a flush (as domain/capacity/one_message.py does)
    and ended without commit. Nothing flushed, so only the use_case_open mark keeps close() from committing it."""
    engine = async_engine(db_url)
    try:
        ctx = _context(db_url, engine)
        async with ctx.db() as session:
            ctx.use_case_open = True
            await session.execute(text("INSERT INTO customers (code, name, tier, price_sensitivity, created_at) "
                                       "VALUES ('RAW-1', 'raw', 'REGULAR', 0.5, CURRENT_TIMESTAMP)"))
        await ctx.close()
        assert await _customers(ctx) == 0
    finally:
        await engine.dispose()


async def test_a_flushed_read_session_is_rolled_back(db: Any, db_url: str) -> None:
    """Input: a session outside any use case that flushed a new row (e.g. an autoflush) and ended: rolled back."""
    engine = async_engine(db_url)
    try:
        ctx = _context(db_url, engine)
        async with ctx.db() as session:
            session.add(Customer(code="FLUSHED-1", name="flushed", tier=CustomerTier.REGULAR))
            await session.flush()
        await ctx.close()
        async with ctx.db() as session:
            # new, not flushed: not committed either
            session.add(Customer(code="PENDING-1", name="pending", tier=CustomerTier.REGULAR))
        await ctx.close()
        assert await _customers(ctx) == 0
    finally:
        await engine.dispose()
