"""On-time KPIs: order fulfilment rate, rush on-time rate and rush-insertion success rate."""

from __future__ import annotations

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.sqlfuncs import utc_date
from domain.kpis.values import KpiValue, ratio
from domain.models import Order, OrderStatus

# An order holds a promise from acceptance on; REJECTED, PROPOSED and CANCELLED ones do not.
PROMISED_STATUSES = (
    OrderStatus.ACCEPTED,
    OrderStatus.SCHEDULED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.IN_STOCK,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CLOSED,
)

# Fully in stock (or shipped) on or before the promised day, compared as UTC calendar days.
ON_TIME = or_(utc_date(Order.completed_at) <= Order.promised_date, utc_date(Order.shipped_at) <= Order.promised_date)


def fulfilment_select(period: Period, rush_only: bool = False) -> Select[int, int]:
    """(orders on time, orders promised in the period)."""
    query = select(func.sum(case((ON_TIME, 1), else_=0)), func.count()).where(
        Order.status.in_(PROMISED_STATUSES),
        Order.promised_date >= period.start,
        Order.promised_date < period.end,
    )
    return query.where(Order.rush.is_(True)) if rush_only else query


def order_fulfillment_rate(session: Session, period: Period) -> KpiValue:
    on_time, promised = session.execute(fulfilment_select(period)).one()
    return ratio("orderFulfillmentRate", on_time, promised, "no accepted order has its promised date in the period")


def rush_on_time_rate(session: Session, period: Period) -> KpiValue:
    on_time, promised = session.execute(fulfilment_select(period, rush_only=True)).one()
    return ratio("rushOnTimeRate", on_time, promised, "no accepted rush order has its promised date in the period")


def rush_insertion_select(period: Period) -> Select[int, int]:
    """(rush orders promised by their requested date, rush orders received in the period)."""
    inserted = and_(Order.status.in_(PROMISED_STATUSES), Order.promised_date <= Order.requested_date)
    return select(func.sum(case((inserted, 1), else_=0)), func.count()).where(
        Order.rush.is_(True), Order.received_at >= period.start_at, Order.received_at < period.end_at
    )


def rush_insertion_success_rate(session: Session, period: Period) -> KpiValue:
    inserted, received = session.execute(rush_insertion_select(period)).one()
    return ratio("rushInsertionSuccessRate", inserted, received, "no rush order was received in the period")
