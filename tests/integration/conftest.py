"""An async session on the test database for the use cases (rows are wiped by the `db` fixture); orders/ has its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import async_engine, async_sessions


@pytest.fixture
async def asession(db_url: str, db: Engine) -> AsyncIterator[AsyncSession]:
    engine = async_engine(db_url)
    try:
        async with async_sessions(engine)() as session:
            yield session
    finally:
        await engine.dispose()
