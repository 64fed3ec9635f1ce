"""A scratch SQLite engine (the simulation's): no fsync, and its async calls run on the event loop's thread."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import event, text

from domain.db import async_engine, sync_engine


async def _thread_and_sync(url: str, scratch: bool) -> tuple[int, int, int]:
    engine = async_engine(url, scratch=scratch)

    def on_connect(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.create_function("thread_id", 0, threading.get_ident)  # type: ignore[attr-defined]

    event.listen(engine.sync_engine, "connect", on_connect)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("CREATE TABLE IF NOT EXISTS t (v INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1), (2)"))
            await conn.commit()
            worker = (await conn.execute(text("SELECT thread_id()"))).scalar_one()
            synchronous = (await conn.execute(text("PRAGMA synchronous"))).scalar_one()
            total = (await conn.execute(text("SELECT sum(v) FROM t"))).scalar_one()
    finally:
        await engine.dispose()
    return worker, synchronous, total


def test_a_scratch_engine_skips_fsync_and_the_worker_thread_hop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    loop_thread = threading.get_ident()
    worker, synchronous, total = asyncio.run(_thread_and_sync(url, scratch=True))
    assert (worker, synchronous, total) == (loop_thread, 0, 3)  # 0: synchronous=OFF
    # The same file through a normal engine: aiosqlite's worker thread, and fsync at commits (2: FULL) as before.
    worker, synchronous, total = asyncio.run(_thread_and_sync(url, scratch=False))
    assert worker != loop_thread and synchronous == 2 and total == 6
    engine = sync_engine(url, scratch=True)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar_one() == 0
    finally:
        engine.dispose()
