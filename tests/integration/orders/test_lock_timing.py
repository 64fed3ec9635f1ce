"""Ledger lock hold timing (SOP_LEDGER_LOCK_LOG): one line per committed transaction that updated the ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import lock_timing
from domain.capacity.commit import commit
from domain.capacity.ledger import CapacityTaken, hold_writes, release_order, reserve_all
from tests.integration.orders.test_open_share import _hold, _seed


@pytest.fixture
def timing(tmp_path: Path) -> Iterator[Path]:
    path = lock_timing.enable(tmp_path / "lock")
    try:
        yield path
    finally:
        lock_timing.disable()


def _lines(path: Path) -> list[float]:
    return [float(x) for x in path.read_text().split()]


async def test_each_committed_ledger_transaction_appends_its_hold_time(
    db: Engine, sessions: Callable[[], AsyncSession], timing: Path
) -> None:
    """Input tried: a commit after taking hours, a refused take rolled back, a release and a take committed."""
    line_id, order_id, order_line_id = _seed(db)
    async with sessions() as session:
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 40.0)])
        await session.commit()
    assert len(_lines(timing)) == 1 and _lines(timing)[0] >= 0.0
    async with sessions() as session:
        with pytest.raises(CapacityTaken):  # 40 + 60 > 88 regular hours
            await reserve_all(session, [_hold(line_id, order_id, order_line_id, 60.0)])
        await session.rollback()
        await session.commit()  # nothing left to time: the rollback forgot the mark
    assert len(_lines(timing)) == 1
    async with sessions() as session:
        await release_order(session, order_id)  # the first ledger UPDATE starts the clock
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 20.0)])
        await session.commit()
    assert len(_lines(timing)) == 2


async def test_nothing_is_timed_while_switched_off(db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    """Input tried: taking hours and committing without SOP_LEDGER_LOCK_LOG: no mark is left on the session."""
    line_id, order_id, order_line_id = _seed(db)
    async with sessions() as session:
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 10.0)])
        assert lock_timing.MARK not in session.sync_session.info
        await session.commit()


async def test_a_take_sent_with_the_commit_is_timed_by_the_client_and_by_the_server(
    db: Engine, db_url: str, sessions: Callable[[], AsyncSession], timing: Path
) -> None:
    """Input tried (PostgreSQL): a held take of 40 h committed with its UPDATE in the COMMIT's pipeline, then one
    that no longer fits (40 + 60 > 88). The first appends one client figure and one server figure (clock_timestamp
    when the row is updated and after the COMMIT), the server's the smaller, and the server's part before the COMMIT,
    smaller again; the refused one appends none."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no row locks: the UPDATE is not held for the commit there")
    line_id, order_id, order_line_id = _seed(db)
    server = timing.with_name(timing.name.replace("lock.", "lock-server."))
    updates = timing.with_name(timing.name.replace("lock.", "lock-server-updates."))
    async with sessions() as session:
        hold_writes(session)
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 40.0)])
        await commit(session)
        assert not session.in_transaction()
        assert len(_lines(timing)) == 1 and len(_lines(server)) == 1 and len(_lines(updates)) == 1
        assert 0.0 <= _lines(updates)[0] <= _lines(server)[0] <= _lines(timing)[0]
        hold_writes(session)
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 60.0)])
        with pytest.raises(CapacityTaken):
            await commit(session)
        await session.rollback()
        await session.commit()
    assert len(_lines(timing)) == 1 and len(_lines(server)) == 1 and len(_lines(updates)) == 1
