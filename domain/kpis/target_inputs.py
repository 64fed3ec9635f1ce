"""What the target breakdown reads from the database: last year's sales, forecasts and line hours per unit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.kpis.forecasts import forecast_vs_orders
from domain.kpis.period import Period
from domain.kpis.sqlfuncs import quarter_of
from domain.models import Order, OrderLine, OrderStatus, Product, ProductionLine, Routing

# Demand that was real: rejected orders were demand too; cancelled ones were withdrawn.
_DEMAND = Order.status != OrderStatus.CANCELLED


@dataclass(frozen=True)
class FamilyQuarterSales:
    revenue: float
    quantity: float


def sales_by_family_quarter(session: Session, year: int) -> dict[tuple[str, int], FamilyQuarterSales]:
    """Revenue and units ordered per (family, quarter) of a year, by requested date (seasonality)."""
    quarter = quarter_of(Order.requested_date)
    query = (
        select(
            Product.family, quarter, func.sum(OrderLine.quantity * OrderLine.unit_price), func.sum(OrderLine.quantity)
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(_DEMAND, Order.requested_date >= date(year, 1, 1), Order.requested_date < date(year + 1, 1, 1))
        .group_by(Product.family, quarter)
    )
    return {(f, int(q)): FamilyQuarterSales(float(r or 0), float(n or 0)) for f, q, r, n in session.execute(query)}


def forecast_by_family_quarter(session: Session, year: int) -> dict[tuple[str, int], float]:
    """Mid-forecast units per (family, quarter) of the target year, latest submission before each week."""
    rows = forecast_vs_orders(Period(date(year, 1, 1), date(year + 1, 1, 1)))
    quarter = quarter_of(rows.c.week)
    query = (
        select(Product.family, quarter, func.sum(rows.c.mid))
        .join(Product, Product.id == rows.c.product_id)
        .group_by(Product.family, quarter)
    )
    return {(f, int(q)): float(mid or 0) for f, q, mid in session.execute(query)}


@dataclass(frozen=True)
class LineRoute:
    line_code: str
    weekly_hours: float
    hours_per_unit: float  # mean over the family's products routed to this line


def routes_by_family(session: Session) -> dict[str, list[LineRoute]]:
    query = (
        select(
            Product.family,
            ProductionLine.code,
            ProductionLine.weekly_capacity_hours,
            func.avg(1.0 / Routing.units_per_hour),
        )
        .join(Routing, Routing.product_id == Product.id)
        .join(ProductionLine, ProductionLine.id == Routing.line_id)
        .where(Routing.units_per_hour > 0)
        .group_by(Product.family, ProductionLine.code, ProductionLine.weekly_capacity_hours)
        .order_by(Product.family, ProductionLine.code)
    )
    out: dict[str, list[LineRoute]] = defaultdict(list)
    for family, code, hours, per_unit in session.execute(query):
        out[family].append(LineRoute(code, float(hours), float(per_unit)))
    return dict(out)


def line_weekly_hours(session: Session) -> dict[str, float]:
    return {
        code: float(h) for code, h in session.execute(select(ProductionLine.code, ProductionLine.weekly_capacity_hours))
    }
