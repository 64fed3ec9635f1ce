"""Sales KPIs: revenue, collection rate and revenue growth against the same days a year before."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.values import KpiValue, number, ratio, total
from domain.models import Order, Payment


def _shipped_in(period: Period) -> tuple[ColumnElement[bool], ...]:
    return (Order.shipped_at >= period.start_at, Order.shipped_at < period.end_at)


def revenue_select(period: Period) -> Select[Decimal]:
    return select(func.sum(Order.amount)).where(*_shipped_in(period))


def collection_select(period: Period) -> Select[float, float, bool]:
    """(paid before `to` against orders shipped in the period, their amount, any payment recorded at all).

    A payment counts by the day it was paid (recordPayment's paidOn), not by when it was recorded here."""
    shipped = select(Order.id).where(*_shipped_in(period))
    paid = (
        select(func.sum(Payment.amount))
        .where(Payment.order_id.in_(shipped), Payment.paid_on < period.end)
        .scalar_subquery()
    )
    amount = select(func.sum(Order.amount)).where(*_shipped_in(period)).scalar_subquery()
    return select(paid, amount, exists(select(Payment.id)))


def growth_select(period: Period) -> Select[Decimal, Decimal]:
    """(revenue in the period, revenue in the same days a year before) in one pass over both ranges."""
    before = period.year_before()
    now_in, before_in = and_(*_shipped_in(period)), and_(*_shipped_in(before))
    return select(
        func.sum(case((now_in, Order.amount))), func.sum(case((before_in, Order.amount)))
    ).where(or_(now_in, before_in))


def revenue(session: Session, period: Period) -> KpiValue:
    return total("revenue", session.execute(revenue_select(period)).scalar(), "money")


def collection_rate(session: Session, period: Period) -> KpiValue:
    paid, amount, any_payment = session.execute(collection_select(period)).one()
    if not any_payment:
        return KpiValue("collectionRate", None, number(paid), number(amount), "no payment has been recorded")
    return ratio("collectionRate", paid, amount, "no order was shipped in the period")


def revenue_growth(session: Session, period: Period) -> KpiValue:
    now_raw, before_raw = session.execute(growth_select(period)).one()
    now, before = number(now_raw), number(before_raw)
    if before == 0:
        return KpiValue("revenueGrowth", None, now, before, "no revenue in the same period a year before")
    return KpiValue("revenueGrowth", now / before - 1, now, before)
