"""The API's engine keeps its PostgreSQL connections: a burst of requests reuses them instead of opening new ones.

Tried: 25 concurrent sessions twice (the 25 requests in flight of one worker in bench/api.py's mixed loop), on the
API engine (SOP_DB_POOL_SIZE=30) and, to show the test sees churn, on the old pool of 10 kept plus 20 overflow.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import api_engine
from domain.config import SettingInvalid, Settings, load_settings
from domain.db import async_engine, async_sessions, is_postgres

IN_FLIGHT = 25


async def _backend_pids(engine: AsyncEngine) -> set[int]:
    """The server process of each of IN_FLIGHT sessions held at the same time."""
    sessions = async_sessions(engine)
    started = asyncio.Event()
    holding: list[int] = []

    async def one() -> int:
        async with sessions() as session:
            pid = (await session.execute(text("select pg_backend_pid()"))).scalar_one()
            holding.append(pid)
            if len(holding) == IN_FLIGHT:
                started.set()
            await started.wait()  # every session holds its connection at once
            return int(pid)

    return set(await asyncio.gather(*(one() for _ in range(IN_FLIGHT))))


async def _two_bursts(engine: AsyncEngine) -> tuple[set[int], set[int]]:
    try:
        return await _backend_pids(engine), await _backend_pids(engine)
    finally:
        await engine.dispose()


def _postgres_only(db_url: str) -> None:
    if not is_postgres(db_url):
        pytest.skip("SQLite has no server connections to keep")


def test_the_api_engine_serves_a_second_burst_on_the_first_bursts_connections(db_url: str) -> None:
    _postgres_only(db_url)
    first, second = asyncio.run(_two_bursts(api_engine(Settings(database_url=db_url))))
    assert len(first) == IN_FLIGHT
    assert second == first


def test_an_overflow_pool_opens_new_connections_for_the_second_burst(db_url: str) -> None:
    """The shape the API had before the setting: what the test above would catch."""
    _postgres_only(db_url)
    first, second = asyncio.run(_two_bursts(async_engine(db_url, pool_size=10, max_overflow=20)))
    assert len(second - first) >= IN_FLIGHT - 10


def test_a_pool_smaller_than_the_burst_makes_requests_wait_not_fail(db_url: str) -> None:
    """SOP_DB_POOL_SIZE=5 with 25 in flight: never more than 5 connections, every session still served."""
    _postgres_only(db_url)
    engine = api_engine(Settings(database_url=db_url, db_pool_size=5))

    async def burst() -> list[int]:
        sessions = async_sessions(engine)

        async def one() -> int:
            async with sessions() as session:
                return int((await session.execute(text("select pg_backend_pid()"))).scalar_one())

        try:
            return await asyncio.gather(*(one() for _ in range(IN_FLIGHT)))
        finally:
            await engine.dispose()

    pids = asyncio.run(burst())
    assert len(pids) == IN_FLIGHT
    assert len(set(pids)) <= 5


def test_the_pool_size_setting_is_read_and_checked() -> None:
    assert load_settings({}).db_pool_size == 30
    assert load_settings({"SOP_DB_POOL_SIZE": "12"}).db_pool_size == 12
    for wrong in ("0", "-3", "ten", "2.5"):
        with pytest.raises(SettingInvalid, match=f"SOP_DB_POOL_SIZE='{wrong}'"):
            load_settings({"SOP_DB_POOL_SIZE": wrong})
