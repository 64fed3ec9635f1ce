"""Forecast against orders per sku and week (R14): the accuracy KPI and the per-tier error sums."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Float, Select, Subquery, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.sqlfuncs import utc_date, week_monday
from domain.kpis.values import KpiValue, number
from domain.models import Forecast, Order, OrderLine, OrderStatus

TIERS = ("low", "mid", "high")


def forecast_vs_orders(period: Period) -> Subquery:
    """sku_weeks_select as a subquery."""
    return sku_weeks_select(period).subquery()


def sku_weeks_select(period: Period) -> Select[Any]:
    """One row per forecast sku-week of the period: product_id, week, low, mid, high, actual.

    The forecast is the latest submission made on a UTC day before its week began (what the plan
    could have used); actual is the quantity ordered on non-cancelled orders requested that week.
    The latest forecasts and the order lines are stacked and grouped by sku-week once (a single sort,
    where grouping the lines and then joining them to the forecasts sorted twice); each group holds
    at most one forecast row, so its low / mid / high sums are that forecast's numbers, and groups
    without one (ordered but never forecast) are left out.
    """
    ranked = (
        select(
            Forecast.product_id,
            Forecast.week,
            Forecast.low,
            Forecast.mid,
            Forecast.high,
            func.row_number()
            .over(
                partition_by=(Forecast.product_id, Forecast.week),
                order_by=(Forecast.submitted_at.desc(), Forecast.id.desc()),
            )
            .label("newest"),
        )
        .where(
            Forecast.week >= period.start, Forecast.week < period.end, utc_date(Forecast.submitted_at) < Forecast.week
        )
        .subquery()
    )
    none = cast(literal(0.0), Float)
    forecast_rows = select(
        ranked.c.product_id,
        ranked.c.week,
        ranked.c.low,
        ranked.c.mid,
        ranked.c.high,
        none.label("quantity"),
        literal(1).label("forecasts"),
    ).where(ranked.c.newest == 1)
    line_rows = (
        select(
            OrderLine.product_id,
            week_monday(Order.requested_date),
            none,
            none,
            none,
            cast(OrderLine.quantity, Float),
            literal(0),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.status != OrderStatus.CANCELLED,
            Order.requested_date >= period.start,
            Order.requested_date < period.end + timedelta(days=7),
        )
    )
    rows = union_all(forecast_rows, line_rows).subquery()
    return (
        select(
            rows.c.product_id,
            rows.c.week,
            func.sum(rows.c.low).label("low"),
            func.sum(rows.c.mid).label("mid"),
            func.sum(rows.c.high).label("high"),
            func.sum(rows.c.quantity).label("actual"),
        )
        .group_by(rows.c.product_id, rows.c.week)
        .having(func.sum(rows.c.forecasts) > 0)
    )


def accuracy_select(period: Period) -> Select[float, float]:
    """(sum |ordered - mid|, sum ordered) over the period's forecast sku-weeks."""
    rows = forecast_vs_orders(period)
    return select(func.sum(func.abs(rows.c.mid - rows.c.actual)), func.sum(rows.c.actual))


def forecast_accuracy(session: Session, period: Period) -> KpiValue:
    abs_error, ordered = session.execute(accuracy_select(period)).one()
    error, demand = number(abs_error), number(ordered)
    if demand == 0:
        reason = "no forecast sku-week of the period" if abs_error is None else "nothing forecast was ordered"
        return KpiValue("forecastAccuracy", None, error, demand, reason)
    return KpiValue("forecastAccuracy", 1 - error / demand, error, demand)
