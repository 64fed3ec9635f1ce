"""Ledger lock hold timing (SOP_LEDGER_LOCK_LOG): one line per committed transaction that updated the ledger."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import lock_timing
from domain.capacity.ledger import CapacityTaken, release_order, reserve_all
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
