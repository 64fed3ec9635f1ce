"""Daily tasks of the plan's first week (R5): per line and day, with crew hours; frozen days are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.capacity.calendar import frozen_until
from domain.models import PlanItem
from domain.planning.snapshot import PlantSnapshot, after_incidents
from solver import DailyTask, Diagnostic, PlanResult, daily_tasks
from solver.daily import day_room, unplaced_hours


@dataclass(frozen=True)
class KeptItem:
    """The plan in force's item a kept task copies."""

    order_id: int | None
    quantity_made: float


@dataclass(frozen=True)
class FirstWeek:
    """The first week as a replan finds it: the days before `open_from` are over or frozen and keep
    the plan in force's tasks; new work goes only on the days from `open_from` on."""

    day_hours: np.ndarray  # [L, 7] calendar hours after incidents
    kept: list[DailyTask]
    open_from: int  # first day (0 = Monday) that takes new work
    frozen_days: int  # leading days marked frozen in the new plan
    # What each kept task carries over from the plan in force's item, beside kept: the order it is made for (a rush
    # order's inserted task) and the quantity already reported made. Without them a mid-week replan hands the
    # order's task to the sku's earliest promise and counts the week's progress twice.
    kept_from: tuple[KeptItem, ...] = ()

    def hours_left(self, snapshot: PlantSnapshot) -> np.ndarray:
        """[L] most hours the week can still hold: the kept tasks plus what the open days can make."""
        problem = snapshot.problem
        room = day_room(self.day_hours, np.asarray(problem.overtime_max_hours, float)[:, 0], problem.reserve_share)
        kept = np.zeros(len(problem.lines))
        for task in self.kept:
            kept[task.line] += task.hours
        return kept + room[:, self.open_from :].sum(axis=1)


def _previous_tasks(session: Session, snapshot: PlantSnapshot, plan_id: int,
                    days: int) -> tuple[list[DailyTask], tuple[KeptItem, ...]]:
    """The plan in force's tasks on the first `days` days of the first week, as solver tasks, and what each
    carries over from its item."""
    problem = snapshot.problem
    monday = problem.weeks[0]
    route_of = {
        (snapshot.product_ids[int(p)], snapshot.line_ids[int(line)]): r
        for r, (p, line) in enumerate(zip(problem.route_product, problem.route_line, strict=True))
    }
    line_index = {line_id: i for i, line_id in enumerate(snapshot.line_ids)}
    product_index = {product_id: i for i, product_id in enumerate(snapshot.product_ids)}
    tasks, origins = [], []
    for item in session.scalars(
        select(PlanItem).where(
            PlanItem.plan_id == plan_id,
            PlanItem.day >= monday,
            PlanItem.day < monday + timedelta(days=days),
        ).order_by(PlanItem.id)
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
        origins.append(KeptItem(item.order_id, float(item.quantity_made)))
    return tasks, tuple(origins)


def _laid_out(session: Session, plan_id: int, monday: date) -> bool:
    """Whether a plan broke the week of `monday` into days (a plan does so for its first week only)."""
    count = session.scalar(
        select(func.count())
        .select_from(PlanItem)
        .where(PlanItem.plan_id == plan_id, PlanItem.day >= monday, PlanItem.day < monday + timedelta(days=7))
    )
    return bool(count)


def first_week(
    session: Session,
    snapshot: PlantSnapshot,
    *,
    today: date,
    frozen_days: int,
    previous_plan_id: int | None,
    running_week: bool,
) -> FirstWeek:
    """Which days of the first week are kept and which take new work.

    A replan for a week not yet begun plans all of it. In the running week the days up to the end of
    the frozen window (and any day already past) keep the plan in force's tasks; if that plan never
    broke this week into days, there is nothing to keep and only the days already past are closed.
    """
    problem = snapshot.problem
    day_hours = after_incidents(snapshot.day_hours[:, 0, :], np.asarray(problem.capacity_hours, float)[:, 0])
    if not running_week:
        return FirstWeek(day_hours, [], 0, 0)
    monday = problem.weeks[0]
    closed = min(max((frozen_until(today, frozen_days) - monday).days + 1, 0), 7)
    if previous_plan_id is None or not _laid_out(session, previous_plan_id, monday):
        return FirstWeek(day_hours, [], min(today.weekday(), closed), closed)
    kept, kept_from = _previous_tasks(session, snapshot, previous_plan_id, closed)
    return FirstWeek(day_hours, kept, closed, closed, kept_from)


def first_week_tasks(
    snapshot: PlantSnapshot, result: PlanResult, week: FirstWeek
) -> tuple[list[dict[str, object]], list[Diagnostic]]:
    """PlanItem rows (with `day` set) for the first week of the new plan, and a finding per line
    whose week plan did not fit its open days."""
    problem = snapshot.problem
    tasks = daily_tasks(
        result,
        problem,
        0,
        day_hours=week.day_hours,
        frozen_days=week.frozen_days,
        crew_size=snapshot.crew_size,
        previous_tasks=week.kept,
        open_from=week.open_from,
        due_day=snapshot.due_day,
    )
    # The solver hands the kept tasks back as the same objects: match them by identity, not by their fields (an
    # inserted task and a make-to-stock task may share day, line and sku).
    origin = {id(task): item for task, item in zip(week.kept, week.kept_from, strict=True)}
    none = KeptItem(None, 0.0)
    rows: list[dict[str, object]] = [
        {
            "week": problem.weeks[0],
            "day": task.day,
            "line_id": snapshot.line_ids[task.line],
            "product_id": snapshot.product_ids[task.product],
            "quantity": float(task.quantity),
            "hours": float(task.hours),
            "crew_hours": float(task.crew_hours),
            "quantity_made": origin.get(id(task), none).quantity_made,
            "frozen": bool(task.frozen),
            "order_id": origin.get(id(task), none).order_id,
        }
        for task in tasks
    ]
    return rows, unplaced_hours(result, problem, tasks)
