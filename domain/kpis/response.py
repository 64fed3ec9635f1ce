"""Order response time: the median hours from receipt to scheduling, computed in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Float, Select, and_, cast, func, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.sqlfuncs import hours_between
from domain.kpis.values import KpiValue
from domain.models import Order


def _measured(period: Period) -> tuple[ColumnElement[bool], ...]:
    return (
        Order.received_at >= period.start_at,
        Order.received_at < period.end_at,
        Order.scheduled_at.is_not(None),
    )


def median_response_select(period: Period, dialect: str) -> Select[float | None, int | None]:
    """(median hours, orders measured).

    PostgreSQL has percentile_cont; elsewhere (SQLite) the middle row or the mean of the two middle
    rows is picked with ROW_NUMBER over the sorted hours, so no order leaves the database.
    """
    hours = cast(hours_between(Order.received_at, Order.scheduled_at), Float)
    if dialect == "postgresql":
        return select(func.percentile_cont(0.5).within_group(hours), func.count()).where(*_measured(period))
    ranked = (
        select(
            hours.label("hours"),
            func.row_number().over(order_by=hours).label("rank"),
            func.count().over().label("n"),
        )
        .where(*_measured(period))
        .subquery()
    )
    # The middle rank(s): n <= 2 x rank <= n + 2 keeps rank 3 of 5, and ranks 2 and 3 of 4.
    middle = and_(2 * ranked.c.rank >= ranked.c.n, 2 * ranked.c.rank <= ranked.c.n + 2)
    return select(func.avg(ranked.c.hours), func.max(ranked.c.n)).where(middle)


def order_response_hours(session: Session, period: Period) -> KpiValue:
    dialect = session.get_bind().dialect.name
    median, measured = session.execute(median_response_select(period, dialect)).one()
    count = float(measured or 0)
    if median is None or count == 0:
        return KpiValue(
            "orderResponseHours", None, None, count, "no order received in the period was scheduled", "hours"
        )
    return KpiValue("orderResponseHours", float(median), None, count, None, "hours")
