"""createOrder's statements that belong together go in one round trip on PostgreSQL (domain/capacity/one_message.py):
the ledger rows with the forecast rows the order may consume; the order's own rows with the products' lock and the
count of their free stock (issue 15 item 2: fewer round trips). The answers stay those of one statement each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import Integer, bindparam, func, literal_column, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import domain.orders.review as review_module
from domain.capacity import one_message
from domain.models import OrderLine, OrderStatus
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order
from tests.integration.orders.rivals import rival_after_first_decision
from tests.integration.orders.statements import statements

NEXT_WEEK = TODAY + timedelta(days=7)


@contextmanager
def messages() -> Iterator[list[list[str]]]:
    """Each message one_message.fetch_all sends, as its statements (one line each)."""
    sent: list[list[str]] = []
    send = one_message.send

    async def recorded(cursor: Any, message: list[str]) -> None:
        sent.append([" ".join(statement.split()) for statement in message])
        await send(cursor, message)

    with mock.patch.object(one_message, "send", recorded):
        yield sent


async def _stock(session: AsyncSession, plant: Plant, on_hand: float) -> None:
    plant.widget.on_hand = on_hand
    await session.commit()


async def test_the_ledger_and_forecast_rows_then_the_order_the_stock_lock_and_count_go_as_two_messages(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input tried: 300 widgets on hand and an order of 100 W-1 next week (the policy lets it consume its sku's
    forecast hours: their rows are read, none are there): taken from stock (the products locked and counted) after
    the ledger and forecast rows were read."""
    await _stock(asession, plant, 300.0)
    with messages() as sent, statements(engine) as seen:
        created = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 100)), TODAY)
    assert created.order.status is OrderStatus.ACCEPTED
    assert await asession.scalar(select(func.sum(OrderLine.quantity_from_stock))) == 100.0
    ledger = [s for s in seen if "FROM capacity_ledger" in s]
    forecast = [s for s in seen if "FROM forecast_hours" in s]
    assert len(ledger) == len(forecast) == 1, seen  # each read once, whatever the transport
    if engine.dialect.name != "postgresql":
        assert sent == []  # SQLite: one statement each, as before (and no row locks)
        return
    lock = [s for s in seen if "FOR NO KEY UPDATE" in s]
    assert len(lock) == 1, seen
    assert len(sent) == 2, sent
    reads, written = sent
    assert [s.split(" FROM ")[1].split()[0] for s in reads] == ["capacity_ledger", "forecast_hours"], reads
    # The order's own rows (they hold the units), then the lock, then the count: one message.
    assert len(written) == 3 and "INSERT INTO orders" in written[0], written
    assert written[1].startswith("SELECT products.id FROM products") and written[1] == lock[0], written
    assert "FROM order_lines" in written[2] and written[2].endswith("FROM products WHERE products.id IN (1::INTEGER)")
    assert seen.index(lock[0]) > seen.index(ledger[0])


async def test_units_taken_between_deciding_and_writing_are_decided_again_from_fresh_facts(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Input tried: 150 widgets on hand and an order of 150 for next week; after it has decided (all from stock), and
    before it writes, another order takes the 150 units. The count after the products' lock sees the rival's lines
    (a statement of its own in the message: a fresh snapshot), so the first order is decided again and makes its
    units instead: the shelf's 150 are counted once."""
    await _stock(asession, plant, 150.0)
    reviews = rival_after_first_decision(monkeypatch, review_module, sessions, book,
                                         order("REG", NEXT_WEEK, ("W-1", 150), code="RIVAL"), TODAY,
                                         note=lambda _, args: sum(args[0].stock.from_stock))
    first = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 150), code="FIRST"), TODAY)
    # FIRST counted on the shelf, RIVAL took it, FIRST decided again with nothing on the shelf for it.
    assert reviews == [150.0, 150.0, 0.0]
    assert first.order.status is OrderStatus.ACCEPTED
    held = await asession.scalar(select(func.sum(OrderLine.quantity_from_stock)))
    assert held == 150.0


async def test_a_failing_statement_in_a_message_is_raised_as_sqlalchemy_would_have_raised_it(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant
) -> None:
    """Bad input tried: a message whose first statement divides by zero. The error comes as DBAPIError with the
    server's SQLSTATE (retry.py and outage.py read it: deadlock, lock timeout); after the rollback the session's
    connection takes the next message, and every statement's rows come back in order."""
    if engine.dialect.name != "postgresql":
        pytest.skip("one message is PostgreSQL's (SQLite runs one statement at a time)")
    failing = select(literal_column("1") / bindparam("zero", type_=Integer))
    with pytest.raises(DBAPIError) as raised:
        await one_message.fetch_all(asession, [(failing, {"zero": 0}), (select(func.count()).select_from(
            OrderLine.__table__), {})])
    assert getattr(raised.value.orig, "sqlstate", None) == "22012"
    await asession.rollback()
    rows = await one_message.fetch_all(asession, [(failing, {"zero": 1}), (select(literal_column("'it ran'")), {})])
    assert rows == [[(1,)], [("it ran",)]]


async def test_a_transaction_looks_its_connection_up_once_and_the_next_transaction_looks_again(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant
) -> None:
    """Input tried: three messages in one transaction, a commit, then two more. The session is asked for its connection
    once per transaction (two in all, not five), the first three run in one server transaction, and after the commit
    nothing is kept: the next messages run in a new one."""
    if engine.dialect.name != "postgresql":
        pytest.skip("one message is PostgreSQL's (SQLite runs one statement at a time)")
    asked: list[int] = []
    connection = AsyncSession.connection

    async def counted(self: AsyncSession, *args: Any, **kwargs: Any) -> Any:
        asked.append(1)
        return await connection(self, *args, **kwargs)

    transaction = select(func.txid_current())
    with mock.patch.object(AsyncSession, "connection", counted):
        first = [await one_message.fetch_all(asession, [(transaction, {})]) for _ in range(3)]
        await asession.commit()
        assert one_message._DRIVER not in asession.sync_session.info
        second = [await one_message.fetch_all(asession, [(transaction, {})]) for _ in range(2)]
    assert len(asked) == 2
    assert first[0] == first[1] == first[2] and second[0] == second[1] and second[0] != first[0]


async def test_a_statement_fetched_alone_is_bound_on_the_server_and_prepared_once_it_repeats(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant
) -> None:
    """Input tried: the product reads of one W-1 order (domain/orders/product_reads.py) run six times in one
    transaction. They come back as SQLAlchemy's execution gave them, and the server holds the statement as a
    prepared one (psycopg prepares what a connection runs five times): a statement sent with its values bound on
    the client (fetch_all's messages) is parsed and planned anew every time."""
    if engine.dialect.name != "postgresql":
        pytest.skip("fetch_one is PostgreSQL's")
    from domain.models import utcnow
    from domain.orders.product_reads import PRODUCT_READS, read_products

    read = [await read_products(asession, [plant.widget.id], NEXT_WEEK) for _ in range(6)]
    values = {"ids": [plant.widget.id], "product_ids": [plant.widget.id], "since": utcnow() - timedelta(weeks=13),
              "week": NEXT_WEEK, "week_end": NEXT_WEEK + timedelta(days=7), "exclude_order_id": 0}
    by_sqlalchemy = [tuple(row) for row in await asession.execute(PRODUCT_READS, values)]
    assert read[0] == read[5] and read[0].stock == {row[0]: row[1:4] for row in by_sqlalchemy}
    prepared = (await asession.execute(select(func.count()).select_from(text("pg_prepared_statements")).where(
        text("statement LIKE 'SELECT products.id, products.on_hand%'")))).scalar_one()
    assert prepared >= 1
