"""What a review reads per product of an order (new, or saved and decided again), in one statement: free stock,
yield and practice, the requested week's forecast and what is ordered of it (three statements before, four for a
rush order that re-read the stock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Date, Table, bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.capacity import one_message
from domain.capacity.calendar import week_start
from domain.capacity.yields import REPORTED_AND_PRACTICE, TRAILING_WEEKS, progress_of, yields_of_rows
from domain.models import Forecast, Order, OrderLine, OrderStatus, Product
from domain.orders.finished_goods import held_for_orders

# Orders that no longer count as demand for the sku-week.
NOT_DEMAND = (OrderStatus.CANCELLED, OrderStatus.REJECTED)
PRODUCTS, FORECASTS = cast(Table, Product.__table__), cast(Table, Forecast.__table__)
ORDERS, LINES = cast(Table, Order.__table__), cast(Table, OrderLine.__table__)


def ordered_in_week(product_id: Any, week: Any = None, week_end: Any = None) -> Any:
    """Units of the product that orders requested in [:week, :week_end) hold, not counting :exclude_order_id
    (week, week_end: other expressions of those bounds)."""
    line, order = LINES.c, ORDERS.c
    week = bindparam("week", type_=Date) if week is None else week
    week_end = bindparam("week_end", type_=Date) if week_end is None else week_end
    return (select(func.coalesce(func.sum(line.quantity), 0.0))
            .select_from(LINES.join(ORDERS, order.id == line.order_id))
            .where(line.product_id == product_id, order.requested_date >= week,
                   order.requested_date < week_end, order.status.not_in(NOT_DEMAND),
                   order.id != bindparam("exclude_order_id", type_=ORDERS.c.id.type))
            .scalar_subquery())


def _statement(*, lateral: bool) -> Any:
    """lateral (PostgreSQL): every part is per product (correlated to products.id), the progress sums too (a LATERAL
    aggregate, not a GROUP BY over the products asked), and the week is a value the planner cannot see: the plan's
    estimates then do not depend on the products or the week asked, so PostgreSQL settles on the generic plan of the
    prepared statement instead of planning it anew on every call (a custom plan: about 0.5 ms of the server's CPU,
    half of its planning per createOrder). With the GROUP BY, or with the week seen (a week with few orders yet), the
    custom plans always looked cheaper than the generic one, though the plans were the same.
    Without lateral (SQLite has no LATERAL, and plans every statement anyway): the progress sums grouped by product
    over the products asked (:product_ids), joined."""
    p, f = PRODUCTS.c, FORECASTS.c
    week: Any
    week_end: Any
    if lateral:
        progress = progress_of(p.id).lateral("progress")
        sums, joined = list(progress.c), PRODUCTS.join(progress, true())
        week, week_end = (select(bindparam(name, type_=Date)).scalar_subquery() for name in ("week", "week_end"))
    else:
        grouped = REPORTED_AND_PRACTICE.subquery("progress")
        sums, joined = list(grouped.c)[1:], PRODUCTS.outerjoin(grouped, grouped.c[0] == p.id)
        week, week_end = bindparam("week", type_=Date), bindparam("week_end", type_=Date)
    latest_mid = (select(f.mid).where(f.product_id == p.id, f.week == week)
                  .order_by(f.submitted_at.desc(), f.id.desc()).limit(1).scalar_subquery())
    return (select(p.id, p.on_hand, p.safety_stock, held_for_orders(p.id), *sums, latest_mid,
                   ordered_in_week(p.id, week, week_end))
            .select_from(joined)
            .where(p.id.in_(bindparam("ids", expanding=True))))


# Built once: the statement, not its construction, per order.
PRODUCT_READS, PRODUCT_READS_SQLITE = _statement(lateral=True), _statement(lateral=False)


@dataclass(frozen=True)
class ProductReads:
    stock: dict[int, tuple[float, float, float]]  # product id -> on hand, safety stock, held by open orders
    yields: dict[int, float]  # as yields_and_practice
    practice: dict[int, tuple[int, float]]
    week: date  # the requested week the forecast figures are of
    forecast: dict[int, tuple[float | None, float]]  # product id -> latest mid forecast (None: none), ordered
    exclude_order_id: int | None = None  # the saved order whose own lines "ordered" leaves out (None: a new order)


async def read_products(session: AsyncSession, product_ids: list[int], requested: date,
                        exclude_order_id: int | None = None) -> ProductReads:
    """The products' stock, yields, practice and requested-week forecast; what is ordered of the week leaves out
    exclude_order_id's own lines (a saved order decided again; None: a new order, nothing left out)."""
    week = week_start(requested)
    ids = sorted(set(product_ids))
    values = {"ids": ids, "since": clock.now() - timedelta(weeks=TRAILING_WEEKS), "week": week,
              "week_end": week + timedelta(days=7),
              "exclude_order_id": exclude_order_id or 0}  # ids start at 1: 0 excludes nothing
    # On PostgreSQL through one_message.fetch_one: no SQLAlchemy execution (cache key, context, result processing).
    rows = (await one_message.fetch_one(session, PRODUCT_READS, values)
            if session.get_bind().dialect.name == "postgresql"
            else (await (await session.connection()).execute(PRODUCT_READS_SQLITE,
                                                             {**values, "product_ids": ids})).all())
    yields, practice = yields_of_rows([(row[0], *row[4:8]) for row in rows])
    return ProductReads({row[0]: (row[1], row[2], row[3]) for row in rows}, yields, practice, week,
                        {row[0]: (row[8], float(row[9] or 0.0)) for row in rows}, exclude_order_id)
