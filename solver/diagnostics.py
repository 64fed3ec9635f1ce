"""Diagnostics in words: bottleneck line-weeks, late demand and why, safety-stock gaps."""

from __future__ import annotations

import numpy as np

from solver.problem import PlanningProblem
from solver.result import Diagnostic, DiagnosticKind, PlanResult

FULL = 0.98  # a line-week this full (of plannable hours plus overtime) counts as a bottleneck


def diagnose(problem: PlanningProblem, result: PlanResult) -> list[Diagnostic]:
    """Findings for a plan, most useful first: bottlenecks, then late products, then safety stock."""
    full = saturated(problem, result)
    return bottlenecks(problem, result, full) + late_demand(problem, result, full) + safety_gaps(problem, result)


def saturated(problem: PlanningProblem, result: PlanResult) -> np.ndarray:
    """[L, W] True where a line-week has (almost) no plannable hour left."""
    limit = problem.week_limit
    planned = result.loads.planned_hours
    return (planned >= FULL * limit) & (limit > 0) | (limit <= 1e-9)


def bottlenecks(problem: PlanningProblem, result: PlanResult, full: np.ndarray) -> list[Diagnostic]:
    shadow = result.loads.shadow_price
    found = []
    for line, week in np.argwhere(full & (result.loads.planned_hours > 0) | (shadow > 1e-6)):
        l_idx, w_idx = int(line), int(week)
        planned = result.loads.planned_hours[l_idx, w_idx]
        plannable = problem.effective_capacity[l_idx, w_idx]
        found.append(
            Diagnostic(
                kind=DiagnosticKind.BOTTLENECK,
                message=(
                    f"Line {problem.lines[l_idx]} is a bottleneck in week {problem.weeks[w_idx]}: "
                    f"{planned:.1f} h planned of {plannable:.1f} plannable h "
                    f"(+{result.overtime[l_idx, w_idx]:.1f} h overtime, "
                    f"{problem.reserve_hours[l_idx, w_idx]:.1f} h kept for rush orders); "
                    f"one more hour there is worth {shadow[l_idx, w_idx]:.2f} in plan cost"
                ),
                line=l_idx,
                week=w_idx,
            )
        )
    return found


def late_demand(problem: PlanningProblem, result: PlanResult, full: np.ndarray) -> list[Diagnostic]:
    """One finding per product that ends a week with backlog, naming the first such week and the cause."""
    late = result.backlog > 1e-6
    route_product, route_line = np.asarray(problem.route_product), np.asarray(problem.route_line)
    found = []
    for product in np.flatnonzero(late.any(axis=1)):
        p_idx = int(product)
        week = int(np.argmax(late[p_idx]))
        lines = np.unique(route_line[route_product == p_idx])
        found.append(
            Diagnostic(
                kind=DiagnosticKind.LATE_DEMAND if len(lines) else DiagnosticKind.NO_ROUTE,
                message=late_message(problem, result, full, p_idx, week, lines),
                week=week,
                product=p_idx,
            )
        )
    return found


def late_message(
    problem: PlanningProblem, result: PlanResult, full: np.ndarray, product: int, week: int, lines: np.ndarray
) -> str:
    name, worst = problem.products[product], float(result.backlog[product].max())
    head = f"{name}: {result.backlog[product, week]:.0f} units late from week {problem.weeks[week]} (up to {worst:.0f})"
    if not len(lines):
        return f"{head}, because no line is allowed to make it"
    if week < problem.frozen and problem.initial_backlog[product] + problem.demand[product, week] > 0:
        return f"{head}, because week {problem.weeks[week]} is frozen to the plan in force"
    names = ", ".join(problem.lines[int(line)] for line in lines)
    if full[lines, : week + 1].all(axis=1).any() or full[lines, week].all():
        return f"{head}, because its lines ({names}) are full with overtime at its limit"
    return (
        f"{head}: its lines ({names}) have hours left, but they go to products with a higher priority or "
        "the demand falls before enough weeks to build it"
    )


def safety_gaps(problem: PlanningProblem, result: PlanResult) -> list[Diagnostic]:
    """One finding per product that ends below safety stock (alerts per R10)."""
    short = result.shortfall > 1e-6
    found = []
    for product in np.flatnonzero(short.any(axis=1)):
        p_idx = int(product)
        week = int(np.argmax(short[p_idx]))
        found.append(
            Diagnostic(
                kind=DiagnosticKind.SAFETY_STOCK,
                message=(
                    f"{problem.products[p_idx]} ends week {problem.weeks[week]} "
                    f"{result.shortfall[p_idx, week]:.0f} units below its safety stock of "
                    f"{problem.safety_stock[p_idx]:.0f}"
                ),
                week=week,
                product=p_idx,
            )
        )
    return found
