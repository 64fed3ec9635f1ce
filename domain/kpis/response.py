"""Order response time: the median hours from receipt to scheduling, computed in SQL."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Float, Select, cast, func, select
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

    PostgreSQL has percentile_cont; elsewhere (SQLite) the middle row, or the two middle rows, of the
    sorted hours are picked with LIMIT / OFFSET and averaged, so no order leaves the database (a sort
    bounded by LIMIT keeps only the rows up to the middle: about half the time of ranking every row).
    """
    hours = cast(hours_between(Order.received_at, Order.scheduled_at), Float)
    if dialect == "postgresql":
        return select(func.percentile_cont(0.5).within_group(hours), func.count()).where(*_measured(period))
    measured = select(hours.label("hours")).where(*_measured(period)).cte("measured")
    count = select(func.count()).select_from(measured).scalar_subquery()
    # n odd: the one row after (n - 1) / 2; n even: the two rows after n / 2 - 1 (integer division).
    middle = select(measured.c.hours).order_by(measured.c.hours).limit(2 - count % 2).offset((count - 1) // 2)
    return select(select(func.avg(middle.subquery().c.hours)).scalar_subquery(), count)


def order_response_hours(session: Session, period: Period) -> KpiValue:
    dialect = session.get_bind().dialect.name
    median, measured = session.execute(median_response_select(period, dialect)).one()
    count = float(measured or 0)
    if median is None or count == 0:
        return KpiValue(
            "orderResponseHours", None, None, count, "no order received in the period was scheduled", "hours"
        )
    return KpiValue("orderResponseHours", float(median), None, count, None, "hours")
