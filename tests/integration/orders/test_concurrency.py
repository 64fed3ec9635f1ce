"""Keyed retries and concurrent orders: one order per key, never two promises on the same hours."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import IdempotencyMismatch
from domain.models import CapacityReservation, Order, OrderStatus
from domain.orders.changes import cancel_order
from domain.orders.inputs import CancelInput
from domain.orders.results import OrderResult
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, THIS_WEEK_REGULAR_UNITS, TODAY, WEEK_REGULAR_UNITS, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=15)


async def _orders(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_the_same_key_and_body_return_the_first_order(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    first = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100), key="k-1"), TODAY)
    code = first.order.code
    again = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100), key="k-1"), TODAY)
    assert again.replayed and again.order.code == code and await _orders(asession) == 1
    # Tried: the same key with 101 units instead of 100.
    with pytest.raises(IdempotencyMismatch) as mismatch:
        await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 101), key="k-1"), TODAY)
    assert mismatch.value.field == ["idempotencyKey"] and await _orders(asession) == 1
    cancel = CancelInput(code, 1, idempotency_key="c-1")
    cancelled = await cancel_order(asession, PLANNER, book, cancel, TODAY)
    replay = await cancel_order(asession, PLANNER, book, cancel, TODAY)
    assert replay.replayed and replay.order.version == cancelled.order.version == 2


async def test_concurrent_retries_with_one_key_create_one_order(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook, db_url: str
) -> None:
    tries = 20 if db_url.startswith("postgresql") else 5

    async def create() -> OrderResult:
        async with sessions() as session:
            return await create_order(session, PLANNER, book,
                                      order("REG", IN_TWO_WEEKS, ("W-1", 100), key="retry-me"), TODAY)

    results = await asyncio.gather(*(create() for _ in range(tries)))
    assert len({r.order.id for r in results}) == 1 and sum(not r.replayed for r in results) == 1
    assert await _orders(asession) == 1
    assert await asession.scalar(select(func.sum(CapacityReservation.hours))) == pytest.approx(10.0)


async def test_concurrent_orders_never_share_the_last_hours(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Up to the requested date the line has 140.8 + 352 + 352 regular units; each order wants 300.
    capacity = THIS_WEEK_REGULAR_UNITS + 2 * WEEK_REGULAR_UNITS

    async def create(n: int) -> OrderResult:
        async with sessions() as session:
            return await create_order(session, PLANNER, book,
                                      order("REG", IN_TWO_WEEKS, ("W-1", 300), code=f"RACE-{n}"), TODAY)

    results = await asyncio.gather(*(create(n) for n in range(6)))
    accepted = [r for r in results if r.order.status is OrderStatus.ACCEPTED]
    assert len(accepted) == int(capacity // 300) == 2
    held = await asession.scalar(select(func.sum(CapacityReservation.quantity)))
    assert held == pytest.approx(600.0)
