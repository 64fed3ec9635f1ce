"""A new order's rows written as Core (new_rows.py) and its per-product reads in one statement (product_reads.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import clock
from domain.capacity.yields import yields_and_practice
from domain.events import kinds
from domain.models import Delivery, Forecast, Order, OrderEvent, OrderLine, OrderReview, OrderStatus, ProgressEvent
from domain.orders.facts import FORECAST_AND_ORDERED
from domain.orders.finished_goods import FREE_STOCK
from domain.orders.product_reads import read_products
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order
from tests.integration.orders.statements import statements

IN_TWO_WEEKS = TODAY + timedelta(days=15)


class Published:
    def __init__(self) -> None:
        self.ids: list[int] = []

    async def publish_order_event(self, order_event_id: int) -> None:
        self.ids.append(order_event_id)


async def test_a_new_orders_rows_are_the_ones_it_returns(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input tried: 100 widgets (made) and 30 spares (500 in stock: taken from stock) in two weeks, accepted. The
    rows in the database are the order, lines (ids in line order), deliveries, review and event the use case
    returned and announced; on PostgreSQL they went in as one statement (in one message with the products' lock and
    stock count that followed)."""
    published = Published()
    with statements(engine) as seen:  # SQLAlchemy's statements and those sent in one message (one_message.py)
        created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100), ("S-1", 30)),
                                     TODAY, publisher=published)  # type: ignore[arg-type]
    mine = created.order
    assert mine.status is OrderStatus.ACCEPTED and mine.promised_date == IN_TWO_WEEKS
    returned = [(ln.id, ln.line_no, ln.product_id, ln.quantity, ln.quantity_from_stock) for ln in mine.lines]
    writes = [s for s in seen if "INSERT INTO orders" in s]
    if engine.dialect.name == "postgresql":
        assert len(writes) == 1 and all(f"INSERT INTO {table} " in writes[0] for table in (
            "order_lines", "order_reviews", "deliveries", "order_events")), writes
    asession.expunge_all()
    stored = await asession.get(Order, mine.id)
    assert stored is not None and (stored.code, stored.status, stored.promised_date, stored.amount, stored.version) \
        == (mine.code, mine.status, mine.promised_date, mine.amount, 1)
    lines = (await asession.execute(
        select(OrderLine.id, OrderLine.line_no, OrderLine.product_id, OrderLine.quantity, OrderLine.quantity_from_stock)
        .where(OrderLine.order_id == mine.id).order_by(OrderLine.line_no))).all()
    assert [tuple(row) for row in lines] == returned
    assert returned[0][2:] == (plant.widget.id, 100, 0) and returned[1][2:] == (plant.spare.id, 30, 30)
    delivered: dict[int, float] = {}
    for line_id, quantity in (await asession.execute(
            select(Delivery.order_line_id, Delivery.quantity).where(Delivery.order_id == mine.id))).all():
        delivered[line_id] = delivered.get(line_id, 0.0) + quantity
    assert delivered == {returned[0][0]: 100, returned[1][0]: 30}
    assert (await asession.scalars(select(OrderReview.decision).where(OrderReview.order_id == mine.id))).all() \
        == ["ACCEPT"]
    [announced] = published.ids
    created_event = await asession.get(OrderEvent, announced)
    assert created_event is not None and (created_event.order_id, created_event.kind, created_event.to_status) \
        == (mine.id, kinds.CREATED, OrderStatus.ACCEPTED)


async def test_the_per_product_reads_agree_with_the_statements_they_replace(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input tried: the widget with an order of 100 in the requested week, two forecasts of that week (the later
    one counts), and recent progress (50 good, 5 scrap); the spare with 500 in stock; the prototype with nothing.
    read_products gives the stock rows, yields, practice and forecast the separate statements give."""
    with clock.pinned(datetime.combine(TODAY, time(12), tzinfo=UTC)):
        await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
        week = IN_TWO_WEEKS - timedelta(days=IN_TWO_WEEKS.weekday())
        earlier = datetime.combine(TODAY, time(8), tzinfo=UTC)
        asession.add_all([
            Forecast(product_id=plant.widget.id, week=week, low=100, mid=150, high=200, submitted_at=earlier),
            Forecast(product_id=plant.widget.id, week=week, low=100, mid=180, high=200,
                     submitted_at=earlier + timedelta(hours=1)),
            ProgressEvent(line_id=plant.line.id, product_id=plant.widget.id, quantity=50, scrap=5,
                          at=earlier - timedelta(days=2)),
        ])
        await asession.commit()
        ids = [plant.widget.id, plant.spare.id, plant.prototype.id]
        reads = await read_products(asession, ids, IN_TWO_WEEKS)
        connection = await asession.connection()
        stock = {row[0]: tuple(row[1:]) for row in await connection.execute(FREE_STOCK, {"ids": ids})}
        yields, practice = await yields_and_practice(asession, ids)
        forecast: dict[int, tuple[float | None, float]] = {}
        for product_id, mid, ordered in await connection.execute(FORECAST_AND_ORDERED, {
                "product_ids": ids, "week": week, "week_end": week + timedelta(days=7), "exclude_order_id": 0}):
            forecast.setdefault(product_id, (mid, float(ordered or 0.0)))
    assert reads.stock == stock and reads.stock[plant.spare.id][0] == 500
    assert (reads.yields, reads.practice) == (yields, practice)
    assert reads.yields[plant.widget.id] == pytest.approx(50 / 55) and reads.practice[plant.widget.id] == (1, 50)
    assert {p: f for p, f in reads.forecast.items() if f[0] is not None} == forecast == {plant.widget.id: (180, 100)}
