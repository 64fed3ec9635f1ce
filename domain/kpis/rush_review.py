"""Rush-order review (R15): the period's rush orders counted by cause, rush tier and outcome."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from domain.kpis.delivery import ON_TIME, PROMISED_STATUSES
from domain.kpis.period import Period
from domain.models import Order


@dataclass(frozen=True)
class RushReviewRow:
    cause: str  # DEMAND_ABOVE_FORECAST, CUSTOMER_CHANGE, INTERNAL or UNKNOWN
    tier: str  # the rush tier the rule file gave, or UNKNOWN
    outcome: str  # NOT_PROMISED, ON_TIME, LATE or OPEN
    orders: int
    amount: float


def outcome_of_order() -> ColumnElement[str]:
    """NOT_PROMISED: rejected, cancelled or still a proposal; ON_TIME / LATE: done against the promise;
    OPEN: promised and not done yet."""
    done = or_(Order.completed_at.is_not(None), Order.shipped_at.is_not(None))
    return case(
        (~Order.status.in_(PROMISED_STATUSES), "NOT_PROMISED"),
        (ON_TIME, "ON_TIME"),
        (and_(done, Order.promised_date.is_not(None)), "LATE"),
        else_="OPEN",
    )


def rush_review(session: Session, period: Period) -> list[RushReviewRow]:
    """Rush orders received in the period, grouped in SQL."""
    cause = func.coalesce(type_coerce(Order.rush_cause, String(24)), "UNKNOWN").label("cause")
    tier = func.coalesce(type_coerce(Order.rush_tier, String(32)), "UNKNOWN").label("tier")
    outcome = outcome_of_order().label("outcome")
    query = (
        select(cause, tier, outcome, func.count(), func.sum(Order.amount))
        .where(Order.rush.is_(True), Order.received_at >= period.start_at, Order.received_at < period.end_at)
        .group_by(cause, tier, outcome)
        .order_by(cause, tier, outcome)
    )
    return [RushReviewRow(str(c), str(t), str(o), int(n), float(a or 0)) for c, t, o, n, a in session.execute(query)]
