"""The weekly replan as one unit of work for callers off the request path (API worker thread, CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Engine

from domain.db import session_scope, sync_engine
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
        previous = outcome.previous_plan_id
        changes = len(diff_plans(session, previous, outcome.plan.id)) if previous else 0
        return ReplanDone(
            outcome.plan.id, outcome.plan.version, outcome.scheduled_event_ids, changes, outcome.alert_ids,
            outcome.late_event_ids,
        )
