"""Event brokers: ids published after commit reach every subscriber, across processes on PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from domain.db import is_postgres
from domain.events import ALERTS, ORDER_EVENTS, InProcessBroker, make_broker
from domain.events.postgres import PostgresBroker


async def next_id(ids: object, timeout: float = 10) -> int:
    return await asyncio.wait_for(anext(ids), timeout)  # type: ignore[call-overload]


async def test_in_process_broker_fans_out_per_channel() -> None:
    broker = InProcessBroker()
    async with broker.subscribe(ORDER_EVENTS) as a, broker.subscribe(ORDER_EVENTS) as b, broker.subscribe(ALERTS) as c:
        await broker.publish(ORDER_EVENTS, 7)
        await broker.publish(ALERTS, 9)
        assert (await next_id(a), await next_id(b), await next_id(c)) == (7, 7, 9)
    assert broker.subscriber_count(ORDER_EVENTS) == 0


async def test_a_stalled_subscriber_does_not_block_the_publisher() -> None:
    broker = InProcessBroker(queue_size=2)
    async with broker.subscribe(ALERTS) as ids:
        for i in range(5):
            await broker.publish(ALERTS, i)  # returns although nobody reads
        assert [await next_id(ids), await next_id(ids)] == [0, 1]


async def test_make_broker_picks_by_database(db_url: str) -> None:
    broker = make_broker(db_url)
    assert isinstance(broker, PostgresBroker if is_postgres(db_url) else InProcessBroker)
    await broker.close()


async def test_notify_reaches_a_subscriber_of_another_broker(db_url: str) -> None:
    """Two PostgresBrokers stand for two API processes sharing the database."""
    if not is_postgres(db_url):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    publisher, listener = PostgresBroker(db_url), PostgresBroker(db_url)
    try:
        async with listener.subscribe(ORDER_EVENTS) as ids:
            await publisher.publish(ALERTS, 1)  # another channel: not delivered here
            await publisher.publish(ORDER_EVENTS, 41)
            await publisher.publish(ORDER_EVENTS, 42)
            assert [await next_id(ids), await next_id(ids)] == [41, 42]
    finally:
        await publisher.close()
        await listener.close()
