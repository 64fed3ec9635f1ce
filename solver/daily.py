"""Break one plan week into daily tasks per line and product that follow the line calendar (R5)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from solver.errors import PlanningInputError
from solver.problem import PlanningProblem
from solver.result import PlanResult


@dataclass(frozen=True)
class DailyTask:
    """Work for one line on one day: a product, its quantity, line hours and crew hours."""

    day: datetime.date
    line: int
    product: int
    route: int
    quantity: float
    hours: float
    crew_hours: float
    frozen: bool


def daily_tasks(
    result: PlanResult,
    problem: PlanningProblem,
    week_index: int = 0,
    day_hours: np.ndarray | None = None,
    frozen_days: int = 3,
    crew_size: np.ndarray | None = None,
    previous_tasks: list[DailyTask] | None = None,
) -> list[DailyTask]:
    """Tasks for one week: day_hours [L, 7] calendar hours per weekday (default: the week's hours
    over Monday-Friday). Tasks of the first `frozen_days` days are copied from previous_tasks when
    given (the frozen window fixes them), otherwise marked frozen. Each day is filled up to its
    hours less the rush reserve, most urgent products first; overtime spreads over open days."""
    n_lines = len(problem.lines)
    if day_hours is None:
        day_hours = np.zeros((n_lines, 7))
        day_hours[:, :5] = np.asarray(problem.capacity_hours, float)[:, week_index, None] / 5.0
    day_hours = np.asarray(day_hours, float)
    if day_hours.shape != (n_lines, 7):
        raise PlanningInputError(f"day_hours has shape {day_hours.shape}, expected {(n_lines, 7)}")
    crew = np.ones(n_lines) if crew_size is None else np.asarray(crew_size, float)
    monday = problem.weeks[week_index]
    days = [monday + datetime.timedelta(days=d) for d in range(7)]
    kept = [t for t in previous_tasks or [] if t.day in days[:frozen_days]]
    hours = np.asarray(result.hours, float)[:, week_index].copy()
    used = np.zeros((n_lines, 7))
    for task in kept:  # frozen tasks keep their place; the rest of the week fills around them
        hours[task.route] = max(hours[task.route] - task.hours, 0.0)
        used[task.line, days.index(task.day)] += task.hours
    open_from = frozen_days if previous_tasks is not None else 0
    tasks = list(kept)
    for line in range(n_lines):
        tasks += line_tasks(
            problem, result, line, hours, day_hours[line], used[line], open_from, frozen_days, days, crew[line]
        )
    return tasks


def line_tasks(
    problem: PlanningProblem,
    result: PlanResult,
    line: int,
    hours: np.ndarray,
    calendar: np.ndarray,
    used: np.ndarray,
    open_from: int,
    frozen_days: int,
    days: list[datetime.date],
    crew: float,
) -> list[DailyTask]:
    """Lay the line's route hours end to end over its days' free hours (interval overlap, no loops
    over hours)."""
    routes = np.flatnonzero((np.asarray(problem.route_line) == line) & (hours > 1e-9))
    if not len(routes):
        return []
    weight = np.asarray(problem.backlog_weight)[np.asarray(problem.route_product)[routes], 0]
    routes = routes[np.argsort(-weight, kind="stable")]
    free = np.maximum(calendar * (1 - problem.reserve_share) - used, 0.0)
    free[:open_from] = 0.0
    open_days = calendar > 0
    open_days[:open_from] = False
    overflow = hours[routes].sum() - free.sum()
    if overflow > 1e-9:
        if not open_days.any():
            raise PlanningInputError(f"line {problem.lines[line]} has planned hours but no open day that week")
        free = free + overflow * np.where(open_days, calendar, 0.0) / calendar[open_days].sum()
    route_end = np.cumsum(hours[routes])
    day_end = np.cumsum(free)
    overlap = np.minimum(route_end[:, None], day_end[None, :]) - np.maximum(
        (route_end - hours[routes])[:, None], (day_end - free)[None, :]
    )
    overlap = np.maximum(overlap, 0.0)  # [routes, 7] hours of each route on each day
    rate = np.asarray(problem.route_rate, float)
    return [
        DailyTask(
            day=days[d],
            line=line,
            product=int(problem.route_product[routes[i]]),
            route=int(routes[i]),
            quantity=float(overlap[i, d] * rate[routes[i]]),
            hours=float(overlap[i, d]),
            crew_hours=float(overlap[i, d] * crew),
            frozen=d < frozen_days,
        )
        for i, d in np.argwhere(overlap > 1e-9).tolist()
    ]
