"""Daily tasks of the plan's first week (R5): per line and day, with crew hours; frozen days are kept."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import PlanItem
from domain.planning.snapshot import PlantSnapshot
from solver import DailyTask, PlanResult, daily_tasks


def _previous_tasks(session: Session, snapshot: PlantSnapshot, plan_id: int, frozen_days: int) -> list[DailyTask]:
    """The plan in force's tasks on the frozen days of the first week, as solver tasks."""
    problem = snapshot.problem
    monday = problem.weeks[0]
    route_of = {
        (snapshot.product_ids[int(p)], snapshot.line_ids[int(line)]): r
        for r, (p, line) in enumerate(zip(problem.route_product, problem.route_line, strict=True))
    }
    line_index = {line_id: i for i, line_id in enumerate(snapshot.line_ids)}
    product_index = {product_id: i for i, product_id in enumerate(snapshot.product_ids)}
    tasks = []
    for item in session.scalars(
        select(PlanItem).where(
            PlanItem.plan_id == plan_id,
            PlanItem.day >= monday,
            PlanItem.day < monday + timedelta(days=frozen_days),
        )
    ):
        route = route_of.get((item.product_id, item.line_id))
        if route is None:
            continue  # the routing is gone: nothing to keep
        tasks.append(
            DailyTask(
                item.day,  # type: ignore[arg-type]
                line_index[item.line_id],
                product_index[item.product_id],
                route,
                item.quantity,
                item.hours,
                item.crew_hours,
                True,
            )
        )
    return tasks


def first_week_tasks(
    session: Session,
    snapshot: PlantSnapshot,
    result: PlanResult,
    *,
    frozen_days: int,
    previous_plan_id: int | None,
    running_week: bool,
) -> list[dict[str, object]]:
    """PlanItem rows (with `day` set) for the first week of the new plan."""
    problem = snapshot.problem
    capacity = np.asarray(problem.capacity_hours, float)[:, 0]
    calendar = snapshot.day_hours[:, 0, :]
    total = calendar.sum(axis=1, keepdims=True)
    # Incidents reduce the week's hours: spread the loss over the days in proportion.
    day_hours = np.divide(calendar * capacity[:, None], total, out=np.zeros_like(calendar), where=total > 0)
    previous = None
    if running_week and previous_plan_id is not None:
        previous = _previous_tasks(session, snapshot, previous_plan_id, frozen_days)
    tasks = daily_tasks(
        result,
        problem,
        0,
        day_hours=day_hours,
        frozen_days=frozen_days if running_week else 0,
        crew_size=snapshot.crew_size,
        previous_tasks=previous,
    )
    return [
        {
            "week": problem.weeks[0],
            "day": task.day,
            "line_id": snapshot.line_ids[task.line],
            "product_id": snapshot.product_ids[task.product],
            "quantity": float(task.quantity),
            "hours": float(task.hours),
            "crew_hours": float(task.crew_hours),
            "quantity_made": 0.0,
            "frozen": bool(task.frozen),
        }
        for task in tasks
    ]
