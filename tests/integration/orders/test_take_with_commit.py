"""The ledger UPDATE sent with the COMMIT (domain/capacity/commit.py): a take that fails there leaves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import domain.orders.retry as retry_module
import domain.orders.review as review_module
from domain.capacity.commit import commit
from domain.capacity.ledger import CapacityTaken, hold_writes, reserve_all
from domain.errors import Busy
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    IdempotencyRecord,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from domain.orders.results import ReviewResult
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_open_share import WEEK, _hold, _seed
from tests.integration.orders.test_write_path import IN_TWO_WEEKS, TODAY


async def _count(session: AsyncSession, what: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(what).where(*where)) or 0)


async def test_a_take_that_fails_at_the_commit_leaves_nothing_written(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Input tried: FIRST (500 widgets, idempotency key K on PostgreSQL: on SQLite the key's record would hold the
    write lock RIVAL waits for) decides ACCEPT; before it writes, RIVAL takes 500 of the
    844.8 free units. With one attempt only, FIRST's take fails at its commit (on PostgreSQL on the server, in the
    pipeline with the COMMIT): BUSY, and its order, lines, event, reservations and key record are all absent."""
    monkeypatch.setattr(retry_module, "ATTEMPTS", 1)
    real_review, real_retryable = review_module.review_result, retry_module._retryable
    line_id = plant.line.id
    key = "K" if asession.get_bind().dialect.name == "postgresql" else None
    failures: list[BaseException] = []

    async def competing(session: AsyncSession, *args: Any, **kwargs: Any) -> ReviewResult:
        result = await real_review(session, *args, **kwargs)
        if session is asession:
            async with sessions() as other:
                rival = await create_order(other, PLANNER, book,
                                           order("REG", IN_TWO_WEEKS, ("W-1", 500), code="RIVAL"), TODAY)
            assert rival.order.status is OrderStatus.ACCEPTED
        return result

    def recorded(error: BaseException) -> bool:
        failures.append(error)
        return real_retryable(error)

    monkeypatch.setattr(review_module, "review_result", competing)
    monkeypatch.setattr(retry_module, "_retryable", recorded)
    with pytest.raises(Busy):
        await create_order(asession, PLANNER, book,
                           order("REG", IN_TWO_WEEKS, ("W-1", 500), code="FIRST", key=key), TODAY)
    # The take failed (on PostgreSQL at the commit), naming the line and week whose hours were gone.
    assert len(failures) == 1 and isinstance(failures[0], CapacityTaken), failures
    assert f"line {line_id} week " in str(failures[0]), str(failures[0])
    await asession.commit()  # SQLAlchemy knows the transaction is over: nothing to commit, no error
    assert await _count(asession, Order, Order.code == "FIRST") == 0
    rival_id = await asession.scalar(select(Order.id).where(Order.code == "RIVAL"))
    assert await _count(asession, OrderLine, OrderLine.order_id != rival_id) == 0
    assert await _count(asession, OrderEvent, OrderEvent.order_code == "FIRST") == 0
    assert await _count(asession, CapacityReservation, CapacityReservation.order_id != rival_id) == 0
    assert await _count(asession, IdempotencyRecord) == 0
    # The session goes on: the same order asked again is decided on what RIVAL left (344.8 units, not 500).
    monkeypatch.setattr(review_module, "review_result", real_review)
    again = await create_order(asession, PLANNER, book,
                               order("REG", IN_TWO_WEEKS, ("W-1", 500), code="FIRST", key=key), TODAY)
    assert again.order.status is not OrderStatus.ACCEPTED or again.order.promised_date != IN_TWO_WEEKS


async def test_a_session_commits_again_after_the_commit_that_sent_the_ledger_update(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input tried: an accepted order of 100 widgets (its ledger UPDATE goes with the COMMIT), then session.commit()
    twice and a read: the driver's connection is idle (psycopg's commit sends nothing), SQLAlchemy's too."""
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    assert created.order.status is OrderStatus.ACCEPTED
    assert not asession.in_transaction()
    await asession.commit()
    await asession.commit()
    promised = await asession.scalar(select(func.sum(CapacityLedger.promised_hours)))
    assert promised is not None and promised > 0.0
    await asession.commit()


async def test_a_held_take_that_no_longer_fits_fails_on_the_server(
    db: Engine, db_url: str, sessions: Callable[[], AsyncSession]
) -> None:
    """Input tried (PostgreSQL; SQLite writes at once): a transaction holds a take of 60 of the 88 regular hours and
    inserts its reservation; another takes 40 and commits first; the commit sends the 60 h take with the COMMIT and
    the server refuses it (88 < 100): CapacityTaken naming the line and week, the reservation row not there, the
    ledger at 40 h. A take that fits (the 48 h left) then goes through the same way."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has no row locks: the UPDATE is not held for the commit there")
    line_id, order_id, order_line_id = _seed(db)
    async with sessions() as session, sessions() as other:
        hold_writes(session)
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 60.0)])
        await reserve_all(other, [_hold(line_id, order_id, order_line_id, 40.0)])
        await other.commit()
        with pytest.raises(CapacityTaken, match=f"line {line_id} week {WEEK.isoformat()}"):
            await commit(session)
        await session.rollback()
        assert await session.scalar(select(CapacityLedger.promised_hours)) == pytest.approx(40.0)
        assert await _count(session, CapacityReservation) == 1  # the other's
        await session.commit()
        hold_writes(session)
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 48.0)])
        assert await session.scalar(select(CapacityLedger.promised_hours)) == pytest.approx(40.0)  # held
        await commit(session)
        assert await session.scalar(select(CapacityLedger.promised_hours)) == pytest.approx(88.0)
