"""What open orders hold of a product is read through the partial index of the lines that hold units (migration
0023), and comes out as the sum over every open line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from domain.db import session_scope, sync_engine
from domain.demo import load_demo
from domain.models import Order, OrderLine
from domain.orders.finished_goods import FREE_STOCK, HOLDS_STOCK
from tests.dbutil import backends, fresh_database, migrate

TODAY = date(2027, 1, 4)


@pytest.fixture(params=backends())
def small_plant(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The small demo plant's history on 2027-01-04, analysed (load_demo runs ANALYZE): the planner chooses by real
    statistics."""
    with fresh_database(request.param, tmp_path) as url:
        migrate(url)
        engine = sync_engine(url)
        try:
            load_demo(engine, "small", 1, TODAY, book=False)
            yield engine
        finally:
            engine.dispose()


def _most_ordered_products(session: Session, count: int) -> list[int]:
    """The products with the most lines: where summing every line cost the most."""
    return list(session.scalars(select(OrderLine.product_id).group_by(OrderLine.product_id)
                                .order_by(text("count(*) DESC"), OrderLine.product_id).limit(count)))


def _plan(session: Session, product_ids: list[int]) -> str:
    """The plan of FREE_STOCK for these products (EXPLAIN's text on PostgreSQL, EXPLAIN QUERY PLAN's on SQLite)."""
    dialect = session.get_bind().dialect
    sql = str(FREE_STOCK.params(ids=product_ids).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    return " | ".join(str(row[-1]) for row in session.execute(text(explain + sql)))


def test_free_stock_sums_only_the_lines_that_hold_units_through_the_partial_index(small_plant: Engine) -> None:
    """Input: the small demo plant (years of orders, most shipped). Expected: the free-stock statement (the recount
    under the products' lock, and the same subquery in a new order's product reads) finds the held lines by
    ix_order_lines_product_holding, not by every line of the product (ix_order_lines_product), and each product's
    figure is the sum of quantity_ready over its lines in open orders, the lines that hold nothing included."""
    with session_scope(small_plant) as session:
        products = _most_ordered_products(session, 3)
        plan = _plan(session, products)
        held = {row[0]: row[3] for row in session.execute(FREE_STOCK, {"ids": products})}
        open_lines = session.execute(select(OrderLine.product_id, OrderLine.quantity_ready, OrderLine.holds_units)
                                     .join(Order, Order.id == OrderLine.order_id)
                                     .where(OrderLine.product_id.in_(products), Order.status.in_(HOLDS_STOCK))).all()
    assert "ix_order_lines_product_holding" in plan, plan
    assert "ix_order_lines_product " not in f"{plan} " and "ix_order_lines_product)" not in plan, plan
    assert any(not holds for _, _, holds in open_lines), "open lines holding nothing: the condition leaves them out"
    expected = {p: sum(ready for product, ready, _ in open_lines if product == p) for p in products}
    assert held == pytest.approx(expected)
