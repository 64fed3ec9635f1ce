"""Quality and output KPIs: complaint rate, output and yield."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.values import KpiValue, ratio, total
from domain.models import Feedback, FeedbackCause, FeedbackKind, Order, ProgressEvent


def complaint_select(period: Period) -> Select[int, int]:
    """(production complaints recorded in the period, orders completed in the period)."""
    complaints = (
        select(func.count())
        .select_from(Feedback)
        .where(
            Feedback.kind == FeedbackKind.COMPLAINT,
            Feedback.cause == FeedbackCause.PRODUCTION,
            Feedback.created_at >= period.start_at,
            Feedback.created_at < period.end_at,
        )
        .scalar_subquery()
    )
    completed = (
        select(func.count())
        .select_from(Order)
        .where(Order.completed_at >= period.start_at, Order.completed_at < period.end_at)
        .scalar_subquery()
    )
    return select(complaints, completed)


def complaint_rate(session: Session, period: Period) -> KpiValue:
    complaints, completed = session.execute(complaint_select(period)).one()
    return ratio("complaintRate", complaints, completed, "no order was completed in the period")


def production_select(period: Period) -> Select[float, float]:
    """(good units, scrapped units) reported in the period."""
    return select(func.sum(ProgressEvent.quantity), func.sum(ProgressEvent.scrap)).where(
        ProgressEvent.at >= period.start_at, ProgressEvent.at < period.end_at
    )


def output_and_yield(session: Session, period: Period) -> tuple[KpiValue, KpiValue]:
    good, scrap = session.execute(production_select(period)).one()
    good_units = float(good or 0)
    made = good_units + float(scrap or 0)
    return (
        total("output", good_units, "units"),
        ratio("yield", good_units, made, "no production was reported in the period"),
    )
