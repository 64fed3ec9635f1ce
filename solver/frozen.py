"""The frozen window: the plan-in-force work that stays fixed, cut only where incidents left no room."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.problem import PlanningProblem
from solver.result import Diagnostic, DiagnosticKind


@dataclass(frozen=True)
class FrozenWindow:
    """Hours per route and frozen week that the new plan keeps, and what had to be dropped."""

    hours: np.ndarray  # [R, F] frozen hours kept
    dropped: np.ndarray  # [R, F] frozen hours that no longer fit
    conflicts: list[Diagnostic]


def frozen_window(problem: PlanningProblem) -> FrozenWindow:
    """Keep frozen weeks exactly as the plan in force, except on overloaded line-weeks.

    A hard equality would make the whole plan infeasible when an incident cuts a frozen line-week
    below the work already fixed there. There, the lowest-priority frozen work is dropped until the
    rest fits the plannable hours plus overtime, and a diagnostic names the line, week, cause and
    products. Frozen weeks are then data for the LP, not variables.
    """
    n_routes, frozen = len(problem.route_product), problem.frozen
    if frozen == 0 or problem.plan_in_force is None:
        empty = np.zeros((n_routes, 0))
        return FrozenWindow(empty, empty, [])
    rate = np.asarray(problem.route_rate, float)
    hours = np.maximum(np.asarray(problem.plan_in_force, float)[:, :frozen], 0.0) / rate[:, None]
    line = np.asarray(problem.route_line)
    needed = np.zeros((len(problem.lines), frozen))
    np.add.at(needed, line, hours)
    available = problem.week_limit[:, :frozen]
    dropped = np.zeros_like(hours)
    conflicts = []
    for l_idx, w_idx in np.argwhere(needed > available * (1 + 1e-9) + 1e-9).tolist():
        excess = needed[l_idx, w_idx] - available[l_idx, w_idx]
        cut = drop_lowest_priority(problem, hours, line == l_idx, w_idx, excess)
        dropped[:, w_idx] += cut
        conflicts.append(conflict(problem, l_idx, w_idx, needed, available, cut))
    return FrozenWindow(hours - dropped, dropped, conflicts)


def drop_lowest_priority(
    problem: PlanningProblem, hours: np.ndarray, on_line: np.ndarray, week: int, excess: float
) -> np.ndarray:
    """[R] hours to drop on one line-week: lowest backlog weight first until the excess is gone."""
    routes = np.flatnonzero(on_line & (hours[:, week] > 0))
    weight = np.asarray(problem.backlog_weight)[np.asarray(problem.route_product)[routes], week]
    routes = routes[np.argsort(weight, kind="stable")]
    before = np.cumsum(hours[routes, week]) - hours[routes, week]
    cut = np.zeros(len(hours))
    cut[routes] = np.clip(excess - before, 0.0, hours[routes, week])
    return cut


def conflict(
    problem: PlanningProblem, line: int, week: int, needed: np.ndarray, available: np.ndarray, cut: np.ndarray
) -> Diagnostic:
    cut_products = sorted({problem.products[int(problem.route_product[r])] for r in np.flatnonzero(cut > 0)})
    return Diagnostic(
        kind=DiagnosticKind.FROZEN_CONFLICT,
        message=(
            f"Line {problem.lines[line]} in frozen week {problem.weeks[week]} has only "
            f"{problem.capacity_hours[line, week]:.1f} calendar hours ({available[line, week]:.1f} plannable "
            f"with overtime on the days still open) but the frozen plan needs {needed[line, week]:.1f} h: "
            f"capacity was cut inside the frozen window (incident) or the week is partly over. "
            f"{cut.sum():.1f} h of frozen work dropped, lowest priority first: {', '.join(cut_products)}"
        ),
        line=line,
        week=week,
    )
