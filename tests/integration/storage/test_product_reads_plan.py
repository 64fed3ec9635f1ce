"""A new order's product reads (domain/orders/product_reads.py) settle on PostgreSQL's generic plan: prepared once
per connection, not planned anew for every order."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import async_engine, async_sessions, sync_engine
from domain.demo import load_demo
from domain.models import ProgressEvent
from domain.orders.product_reads import read_products
from tests.dbutil import fresh_database, migrate

TODAY = date(2027, 1, 4)
pytestmark = pytest.mark.skipif(not os.environ.get("SOP_TEST_POSTGRES_URL"), reason="PostgreSQL's plan cache")


@pytest.fixture
async def medium_plant(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The medium demo plant's history on 2027-01-04, analysed (load_demo runs ANALYZE), on PostgreSQL (the small
    plant's statistics did not show the problem: its custom plans were not cheaper)."""
    with fresh_database("postgresql", tmp_path) as url:
        migrate(url)
        loader = sync_engine(url)
        try:
            load_demo(loader, "medium", 1, TODAY, book=False)
        finally:
            loader.dispose()
        engine = async_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


async def test_the_product_reads_of_many_orders_use_one_generic_plan(medium_plant: AsyncEngine) -> None:
    """Input: 20 orders' product reads of two products each, drawn from the products with progress reports, for
    weeks 2 to 7 ahead, on one connection. psycopg prepares the statement on its fifth run; PostgreSQL plans the next
    five for their values and then keeps its generic plan when that costs no more. Before, the progress sums were a
    GROUP BY over the products asked and the week a parameter the planner saw: the custom plans (estimated for those
    products and that week) always looked cheaper than the generic plan of the same shape, and every read was planned
    again (generic_plans 0, custom_plans 15; with the GROUP BY gone but the week seen, still 0 and 15)."""
    async with async_sessions(medium_plant)() as session:
        products = list((await session.scalars(select(ProgressEvent.product_id).distinct())).all())
        draw = random.Random(3)
        for n in range(20):
            await read_products(session, draw.sample(products, 2), TODAY + timedelta(weeks=2 + n % 6))
        generic, custom = (await session.execute(text(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE 'SELECT products.id, products.on_hand%'"))).one()
    assert generic >= 5 and custom <= 5, (generic, custom)
