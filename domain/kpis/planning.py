"""Plan completion: quantity made over quantity planned for the period's weeks."""

from __future__ import annotations

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from domain.kpis.period import Period
from domain.kpis.values import KpiValue, ratio
from domain.models import Plan, PlanItem


def plan_completion_select(period: Period) -> Select[float, float]:
    """(quantity made, quantity planned) over the plan each week of the period ran on."""
    in_weeks = (PlanItem.week >= period.start, PlanItem.week < period.end)
    # The plan a week ran on: the newest version whose horizon had started by that week.
    ran = (
        select(PlanItem.week.label("week"), func.max(Plan.version).label("version"))
        .join(Plan, Plan.id == PlanItem.plan_id)
        .where(*in_weeks, Plan.horizon_start <= PlanItem.week)
        .group_by(PlanItem.week)
        .subquery()
    )
    weekly = PlanItem.day.is_(None)
    # Per (plan, week): weekly items when there are any, else the daily tasks (never both,
    # which would count the same units twice).
    per_week = (
        select(
            func.count(case((weekly, 1))).label("weekly_items"),
            func.sum(case((weekly, PlanItem.quantity), else_=0.0)).label("weekly_planned"),
            func.sum(case((weekly, PlanItem.quantity_made), else_=0.0)).label("weekly_made"),
            func.sum(case((weekly, 0.0), else_=PlanItem.quantity)).label("daily_planned"),
            func.sum(case((weekly, 0.0), else_=PlanItem.quantity_made)).label("daily_made"),
        )
        .join(Plan, Plan.id == PlanItem.plan_id)
        .join(ran, and_(ran.c.week == PlanItem.week, ran.c.version == Plan.version))
        .where(*in_weeks)
        .group_by(PlanItem.week)
        .subquery()
    )
    use_weekly = per_week.c.weekly_items > 0
    return select(
        func.sum(case((use_weekly, per_week.c.weekly_made), else_=per_week.c.daily_made)),
        func.sum(case((use_weekly, per_week.c.weekly_planned), else_=per_week.c.daily_planned)),
    )


def plan_completion_rate(session: Session, period: Period) -> KpiValue:
    made, planned = session.execute(plan_completion_select(period)).one()
    return ratio("planCompletionRate", made, planned, "no quantity was planned for the weeks of the period")
