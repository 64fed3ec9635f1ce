"""Async sessions, the shipped rules and a small plant for the order use cases (rows wiped by `db`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.capacity.checks import ledger_violations
from domain.config import DEFAULT_RULES_DIR
from domain.db import async_engine, async_sessions
from rules import RuleBook, load_rulebook
from tests.integration.orders.plant import Plant, build_plant


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rulebook(DEFAULT_RULES_DIR)


@pytest.fixture
async def engine(db_url: str, db: Engine) -> AsyncIterator[AsyncEngine]:
    engine = async_engine(db_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> Callable[[], AsyncSession]:
    factory: Any = async_sessions(engine)
    return factory  # type: ignore[no-any-return]


@pytest.fixture
async def asession(sessions: Callable[[], AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


@pytest.fixture
async def plant(asession: AsyncSession) -> Plant:
    return await build_plant(asession)


@pytest.fixture(autouse=True)
async def sound_ledger(sessions: Callable[[], AsyncSession]) -> AsyncIterator[None]:
    """After every scenario the ledger must hold exactly the promises and nothing more."""
    yield
    async with sessions() as session:
        assert await session.run_sync(ledger_violations) == []
