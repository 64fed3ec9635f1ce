"""After a replan: refresh the capacity ledger's calendar, reserve and planned hours; promises stay."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.db import dialect_insert
from domain.models import CapacityLedger
from domain.planning.snapshot import PlantSnapshot
from solver.result import PlanResult


def refresh_ledger(session: Session, snapshot: PlantSnapshot, result: PlanResult) -> None:
    """Upsert one ledger row per line-week of the horizon: its planned hours are the plan's hours less what the
    orders hold there (the plan makes the promises: problem.committed_hours), never over the regular room left.

    So the ledger and the plan in force tell one story: planned + promised + rush used is the plan's load of
    the line-week wherever the plan keeps its promises and needs no overtime.
    """
    problem = snapshot.problem
    calendar = np.asarray(problem.capacity_hours) + 0.0  # after incidents: lost hours are kept apart below
    reserve = calendar * problem.reserve_share
    planned = result.loads.planned_hours
    existing = {
        (row.line_id, row.week): row
        for row in session.scalars(
            select(CapacityLedger).where(
                CapacityLedger.week >= problem.weeks[0], CapacityLedger.week <= problem.weeks[-1]
            )
        )
    }
    rows = []
    for li, line_id in enumerate(snapshot.line_ids):
        for wi, week in enumerate(problem.weeks):
            current = existing.get((line_id, week))
            lost = current.lost_hours if current else 0.0
            promised = current.promised_hours if current else 0.0
            rush_used = current.rush_hours_used if current else 0.0
            # The snapshot's capacity is net of incidents; the ledger keeps calendar and lost apart.
            capacity = float(calendar[li, wi] + lost)
            free = max(capacity - float(reserve[li, wi]) - lost - promised, 0.0)
            beyond_orders = max(float(planned[li, wi]) - promised - rush_used, 0.0)
            rows.append(
                {
                    "line_id": line_id,
                    "week": week,
                    "capacity_hours": capacity,
                    "reserve_hours": float(reserve[li, wi]),
                    "planned_hours": min(beyond_orders, free),
                }
            )
    if not rows:
        return
    statement = dialect_insert(session.get_bind().dialect.name, CapacityLedger)
    statement = statement.on_conflict_do_update(
        index_elements=["line_id", "week"],
        set_={
            "capacity_hours": statement.excluded.capacity_hours,
            "reserve_hours": statement.excluded.reserve_hours,
            "planned_hours": statement.excluded.planned_hours,
        },
    )
    session.execute(statement, rows)
