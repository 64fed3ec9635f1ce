"""Async sessions, the shipped rules and a small plant for the order use cases (rows wiped by `db`)."""

from __future__ import annotations

import dataclasses
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
def lead_days_only(book: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped policy without the arrival-day fallback: for scenarios about what the lead days' hours give a rush
    order (refused or proposed there, which the fallback would turn into a promise from the arrival day;
    test_rush_arrival_day.py covers the fallback)."""
    policy = dataclasses.replace(book.capacity_policy(), rush_arrival_day_fallback=False)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


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
