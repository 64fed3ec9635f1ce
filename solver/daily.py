"""Break one plan week into daily tasks per line and product that follow the line calendar (R5)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np

from solver.errors import PlanningInputError
from solver.problem import PlanningProblem
from solver.result import Diagnostic, DiagnosticKind, PlanResult
from solver.units import ROUND_OFF, nearest_units, spread_whole

HOURS_IN_DAY = 24.0
TOLERANCE = 1e-6  # hours; below this a task or a leftover is solver round-off


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


def day_room(day_hours: np.ndarray, overtime_max: np.ndarray, reserve_share: float) -> np.ndarray:
    """[..., 7] most hours a plan may put on each day: its plannable hours (the reserve kept) plus its
    share of the week's overtime allowance, never more than the day has, nothing on a closed day.

    day_hours [..., 7] are calendar hours after incidents, overtime_max [...] the weekly allowance.
    """
    day_hours = np.asarray(day_hours, float)
    total = day_hours.sum(axis=-1, keepdims=True)
    share = np.divide(day_hours, total, out=np.zeros_like(day_hours), where=total > 0)
    room = day_hours * (1.0 - reserve_share) + np.asarray(overtime_max, float)[..., None] * share
    return np.where(day_hours > 0, np.minimum(room, HOURS_IN_DAY), 0.0)


def overtime_within_days(day_hours: np.ndarray, overtime_max: np.ndarray, reserve_share: float) -> np.ndarray:
    """[...] the weekly overtime allowance cut to what the days can hold beyond their plannable hours:
    a line already working 24 h a day has no hour left for overtime."""
    plannable = np.asarray(day_hours, float).sum(axis=-1) * (1.0 - reserve_share)
    return np.maximum(day_room(day_hours, overtime_max, reserve_share).sum(axis=-1) - plannable, 0.0)


def daily_tasks(
    result: PlanResult,
    problem: PlanningProblem,
    week_index: int = 0,
    day_hours: np.ndarray | None = None,
    frozen_days: int = 3,
    crew_size: np.ndarray | None = None,
    previous_tasks: list[DailyTask] | None = None,
    open_from: int | None = None,
    due_day: np.ndarray | None = None,
) -> list[DailyTask]:
    """Tasks for one week: day_hours [L, 7] calendar hours per weekday (default: the week's hours
    over Monday-Friday). Tasks of the first `frozen_days` days are marked frozen. No new work goes on
    a day before `open_from` (default: `frozen_days` when previous_tasks is given, else 0); those days
    keep previous_tasks. Each open day is filled up to its plannable hours, most urgent products
    first, then overtime up to day_room; hours that still do not fit stay out (see unplaced_hours).
    due_day [P]: the weekday each product's earliest order is due this week (7: none); products are laid out by it
    first (earliest due date), then by urgency, so an order due on Tuesday is not made on Friday."""
    n_lines = len(problem.lines)
    if day_hours is None:
        day_hours = np.zeros((n_lines, 7))
        day_hours[:, :5] = np.asarray(problem.capacity_hours, float)[:, week_index, None] / 5.0
    day_hours = np.asarray(day_hours, float)
    if day_hours.shape != (n_lines, 7):
        raise PlanningInputError(f"day_hours has shape {day_hours.shape}, expected {(n_lines, 7)}")
    if open_from is None:
        open_from = frozen_days if previous_tasks is not None else 0
    crew = np.ones(n_lines) if crew_size is None else np.asarray(crew_size, float)
    monday = problem.weeks[week_index]
    days = [monday + datetime.timedelta(days=d) for d in range(7)]
    kept = [t for t in previous_tasks or [] if t.day in days[:open_from]]
    hours = np.asarray(result.hours, float)[:, week_index].copy()
    for task in kept:  # kept tasks hold their place; the rest of the week fills the open days
        hours[task.route] = max(hours[task.route] - task.hours, 0.0)
    room = day_room(day_hours, np.asarray(problem.overtime_max_hours, float)[:, week_index], problem.reserve_share)
    room[:, :open_from] = 0.0
    tasks = list(kept)
    for line in range(n_lines):
        tasks += line_tasks(problem, line, hours, day_hours[line], room[line], frozen_days, days, crew[line], due_day)
    return tasks


def line_tasks(
    problem: PlanningProblem,
    line: int,
    hours: np.ndarray,
    calendar: np.ndarray,
    room: np.ndarray,
    frozen_days: int,
    days: list[datetime.date],
    crew: float,
    due_day: np.ndarray | None = None,
) -> list[DailyTask]:
    """Lay the line's route hours end to end over its open days (interval overlap, no loops over
    hours): first the days' plannable hours, then overtime in proportion to what each day has left."""
    routes = np.flatnonzero((np.asarray(problem.route_line) == line) & (hours > 1e-9))
    if not len(routes):
        return []
    weight = np.asarray(problem.backlog_weight)[np.asarray(problem.route_product)[routes], 0]
    due = np.zeros(len(routes)) if due_day is None else np.asarray(due_day)[np.asarray(problem.route_product)[routes]]
    routes = routes[np.lexsort((-weight, due))]  # earliest due day first, then most urgent
    free = np.minimum(calendar * (1 - problem.reserve_share), room)
    extra = room - free
    overtime = min(max(hours[routes].sum() - free.sum(), 0.0), extra.sum())
    if overtime > 0:
        free = free + overtime * extra / extra.sum()
    route_end = np.cumsum(hours[routes])
    day_end = np.cumsum(free)
    overlap = np.minimum(route_end[:, None], day_end[None, :]) - np.maximum(
        (route_end - hours[routes])[:, None], (day_end - free)[None, :]
    )
    overlap = np.maximum(overlap, 0.0)  # [routes, 7] hours of each route on each day
    rate = np.asarray(problem.route_rate, float)[routes]
    lots = problem.route_lot[routes]
    # Whole units (or lots) per task, keeping each route's week total where the days have room for
    # the units rounded up: hours follow the quantity and no day gets more than its hours.
    share = overlap * rate[:, None]  # [routes, 7] units as laid out
    rounded_down = np.floor(share / lots[:, None] + ROUND_OFF) * lots[:, None]
    spare = free - (rounded_down / rate[:, None]).sum(axis=0)  # [7] hours each day has left after that
    quantity = np.zeros_like(share)
    for i in range(len(routes)):  # most urgent first: they get the days' last hours
        quantity[i] = spread_whole(share[i], lots[i], headroom=np.maximum(spare, 0.0) * rate[i])
        spare -= (quantity[i] - rounded_down[i]) / rate[i]
    task_hours = quantity / rate[:, None]
    return [
        DailyTask(
            day=days[d],
            line=line,
            product=int(problem.route_product[routes[i]]),
            route=int(routes[i]),
            quantity=float(quantity[i, d]),
            hours=float(task_hours[i, d]),
            crew_hours=float(task_hours[i, d] * crew),
            frozen=d < frozen_days,
        )
        for i, d in np.argwhere(quantity > 0).tolist()
    ]


def unplaced_hours(
    result: PlanResult, problem: PlanningProblem, tasks: list[DailyTask], week_index: int = 0
) -> list[Diagnostic]:
    """One finding per line whose week plan holds more hours than its daily tasks could take."""
    planned = np.zeros(len(problem.lines))
    # the week's hours as whole units (the plan items' hours), which the daily tasks keep in total
    rate = np.asarray(problem.route_rate, float)
    whole = nearest_units(np.asarray(result.hours, float)[:, week_index] * rate, problem.route_lot) / rate
    np.add.at(planned, np.asarray(problem.route_line), whole)
    # Whole units are not overflow: the week's total per route rounds by up to a lot, and each of its
    # tasks may miss the lot it was rounded up to when its day is full.
    unit_hours = problem.route_lot / rate
    laid, rounding = np.zeros(len(problem.lines)), np.zeros(len(problem.lines))
    for task in tasks:
        laid[task.line] += task.hours
        rounding[task.line] += unit_hours[task.route]
    np.add.at(rounding, np.asarray(problem.route_line)[whole > 0], unit_hours[whole > 0])
    return [
        Diagnostic(
            kind=DiagnosticKind.DAILY_OVERFLOW,
            message=(
                f"Line {problem.lines[line]} in week {problem.weeks[week_index]}: {planned[line]:.1f} h planned "
                f"but its open days hold only {laid[line]:.1f} h; {planned[line] - laid[line]:.1f} h have no day "
                "this week and wait for the next replan"
            ),
            line=line,
            week=week_index,
        )
        for line in np.flatnonzero(planned - laid > rounding + max(TOLERANCE, 1e-6 * planned.max(initial=0.0))).tolist()
    ]
