"""Inventory turnover: cost of goods completed over the mean finished-goods stock value."""

from __future__ import annotations

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.values import KpiValue, number
from domain.models import Order, OrderLine, Product, StockMovement


def cost_of_goods_completed_select(period: Period) -> Select[float]:
    """Quantity x unit cost of the lines of orders completed (IN_STOCK) in the period."""
    return (
        select(func.sum(OrderLine.quantity * OrderLine.unit_cost))
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.completed_at >= period.start_at, Order.completed_at < period.end_at)
    )


def stock_value_select(period: Period) -> Select[float, float]:
    """(stock value at the period's first instant, at its end).

    Stock at an instant t = on hand now - every (signed) stock movement at or after t, so a
    past stock level is derived from today's and the movement log, never stored twice.
    """
    later = (
        select(
            StockMovement.product_id.label("product_id"),
            func.sum(StockMovement.quantity).label("since_start"),
            func.sum(case((StockMovement.at >= period.end_at, StockMovement.quantity), else_=0.0)).label("since_end"),
        )
        .where(StockMovement.at >= period.start_at)
        .group_by(StockMovement.product_id)
        .subquery()
    )
    at_start = Product.on_hand - func.coalesce(later.c.since_start, 0.0)
    at_end = Product.on_hand - func.coalesce(later.c.since_end, 0.0)
    return select(func.sum(at_start * Product.unit_cost), func.sum(at_end * Product.unit_cost)).outerjoin(
        later, later.c.product_id == Product.id
    )


def inventory_turnover(session: Session, period: Period) -> KpiValue:
    cost = number(session.execute(cost_of_goods_completed_select(period)).scalar())
    start_value, end_value = session.execute(stock_value_select(period)).one()
    mean_value = (number(start_value) + number(end_value)) / 2
    if mean_value <= 0:
        return KpiValue("inventoryTurnover", None, cost, mean_value, "the mean finished-goods stock value is zero")
    return KpiValue("inventoryTurnover", cost / mean_value, cost, mean_value, None, "turns")
