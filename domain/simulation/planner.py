"""The service policy's planner: the weekend replan of the rolling plan, and the ledger check at a day's end."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from domain import clock
from domain.capacity.checks import ledger_violations
from domain.db import session_scope, sync_engine
from domain.models import ForecastTier, LineWeekLoad
from domain.planning import ReplanSettings, replan
from domain.simulation.state import ServiceRun


def replan_week(run: ServiceRun, today: date) -> None:
    policy = run.book.capacity_policy()
    settings = ReplanSettings(tier=ForecastTier.MID, horizon_weeks=13, reserve_share=policy.reserve_share,
                              frozen_days=policy.frozen_days, rules_version=run.book.version,
                              netting=policy.forecast_netting, forecast_lead_days=policy.forecast_lead_days)
    cutoff = datetime.combine(today - timedelta(days=(today.weekday() - policy.cutoff_weekday) % 7), time.max,
                              tzinfo=clock.now().tzinfo)
    engine = sync_engine(run.url, scratch=True)
    try:
        with session_scope(engine) as session:
            outcome = replan(session, today=today, settings=settings, actor="simulation", cutoff=cutoff)
            # The overtime the newest plan asks of its first week (a weekend replan plans from next Monday).
            monday = outcome.plan.horizon_start
            overtime = session.scalars(select(LineWeekLoad.overtime_hours).where(
                LineWeekLoad.plan_id == outcome.plan.id, LineWeekLoad.week == monday)).all()
            run.tally.overtime_hours[run.tally.week_of(monday)] = float(sum(overtime))
    finally:
        engine.dispose()


def check_ledger(run: ServiceRun, today: date) -> None:
    engine = sync_engine(run.url, scratch=True)
    try:
        with session_scope(engine) as session:
            run.violations.extend((today, v) for v in ledger_violations(session))
            run.checked_days += 1
    finally:
        engine.dispose()
