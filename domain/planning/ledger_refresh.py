"""After a replan: refresh the capacity ledger's calendar, reserve and planned hours; promises stay."""

from __future__ import annotations

from datetime import date
from typing import cast

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from domain.db import dialect_insert
from domain.models import CapacityLedger, ForecastHours
from domain.planning.snapshot import PlantSnapshot
from solver.result import PlanResult


def refresh_ledger(session: Session, snapshot: PlantSnapshot, result: PlanResult) -> None:
    """Upsert one ledger row per line-week of the horizon: its planned hours are the plan's hours less what the
    orders hold there (the plan makes the promises: problem.committed_hours), never over the regular room left.

    So the ledger and the plan in force tell one story: planned + promised + rush used is the plan's load of
    the line-week wherever the plan keeps its promises and needs no overtime. The planned hours are split per sku
    (ForecastHours, for forecast consumption) in proportion to what the plan makes of each beyond its orders.
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
            reserved = float(reserve[li, wi])
            if current is not None and wi == 0:
                # The running week keeps the overtime a rush order added to it as rush hours (orders/overtime_rush.py):
                # its promise holds those hours. Bounded by the rush hours used, so hours the calendar no longer has
                # (a line's shifts cut in master data) are not kept beyond what rush orders hold.
                capacity = max(capacity, min(current.capacity_hours, capacity + rush_used))
                reserved = max(reserved, min(current.reserve_hours, reserved + rush_used))
            free = max(capacity - reserved - lost - promised, 0.0)
            beyond_orders = max(float(planned[li, wi]) - promised - rush_used, 0.0)
            rows.append(
                {
                    "line_id": line_id,
                    "week": week,
                    "capacity_hours": capacity,
                    "reserve_hours": reserved,
                    "planned_hours": min(beyond_orders, free),
                }
            )
    if not rows:
        return
    by_line_week = {(cast(int, r["line_id"]), cast(date, r["week"])): cast(float, r["planned_hours"]) for r in rows}
    _forecast_rows(session, snapshot, result, by_line_week)
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


def _forecast_rows(session: Session, snapshot: PlantSnapshot, result: PlanResult,
                   planned: dict[tuple[int, date], float]) -> None:
    """Replace the horizon's forecast hours: each line-week's planned hours shared over the skus the plan makes
    there beyond what their orders hold (route hours less committed hours), so they add up to planned_hours."""
    problem = snapshot.problem
    hours = np.asarray(result.hours, dtype=float)
    committed = np.zeros_like(hours) if problem.committed_hours is None else np.asarray(problem.committed_hours)
    beyond = np.maximum(hours - committed, 0.0)  # [R, W]
    per_line = np.zeros((len(snapshot.line_ids), len(problem.weeks)))
    np.add.at(per_line, np.asarray(problem.route_line, dtype=np.int64), beyond)
    rows = []
    for route, (pi, li) in enumerate(zip(problem.route_product, problem.route_line, strict=True)):
        line_id, product_id = snapshot.line_ids[int(li)], snapshot.product_ids[int(pi)]
        for wi, week in enumerate(problem.weeks):
            total = per_line[int(li), wi]
            share = planned.get((line_id, week), 0.0) * float(beyond[route, wi]) / total if total > 0 else 0.0
            if share > 1e-9:
                rows.append({"line_id": line_id, "week": week, "product_id": product_id, "hours": share})
    session.execute(delete(ForecastHours).where(ForecastHours.week >= problem.weeks[0],
                                                ForecastHours.week <= problem.weeks[-1]))
    if rows:
        session.execute(insert(ForecastHours), rows)
