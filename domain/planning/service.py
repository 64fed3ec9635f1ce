"""The weekly replan and plan decisions as units of work for callers off the request path (API worker thread, CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Engine

from domain.db import session_scope, sync_engine
from domain.models import Plan
from domain.planning.consensus import Person, approve_plan, reject_plan
from domain.planning.versions import diff_plans
from domain.planning.weekly import ReplanSettings, replan


@dataclass(frozen=True)
class ReplanDone:
    plan_id: int
    version: int
    scheduled_event_ids: list[int]
    changes: int
    alert_ids: list[int]
    late_event_ids: list[int]
    in_force: bool = True  # False: a DRAFT waiting for approvePlan


@cache
def engine_for(url: str) -> Engine:
    """One sync engine per process and database, for the solver's worker thread."""
    return sync_engine(url)


def run_replan(
    url: str, *, today: date, settings: ReplanSettings, actor: str | None, cutoff: datetime | None = None
) -> ReplanDone:
    """Replan, commit, and say what changed; raises PlanInProgress / InvalidInput like `replan`."""
    with session_scope(engine_for(url)) as session:
        outcome = replan(session, today=today, settings=settings, actor=actor, cutoff=cutoff)
        return ReplanDone(
            outcome.plan.id, outcome.plan.version, outcome.scheduled_event_ids, outcome.changes, outcome.alert_ids,
            outcome.late_event_ids, outcome.in_force,
        )


def run_decision(url: str, plan_id: int, person: Person, reason: str | None, *, approve: bool,
                 today: date) -> ReplanDone:
    """Approve or reject a draft and commit; what going into force published, if this approval did it."""
    with session_scope(engine_for(url)) as session:
        done = None
        if approve:
            done = approve_plan(session, plan_id, person, reason, today=today).in_force
        else:
            reject_plan(session, plan_id, person, reason)
        plan = session.get_one(Plan, plan_id)
        changes = len(diff_plans(session, plan.based_on_plan_id, plan_id)) if plan.based_on_plan_id else 0
        if done is None:
            return ReplanDone(plan_id, plan.version, [], changes, [], [], False)
        return ReplanDone(plan_id, plan.version, done.scheduled_event_ids, changes, done.alert_ids,
                          done.late_event_ids, True)
