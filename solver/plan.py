"""Turn route hours into a consistent plan: stock, backlog, overtime, shortfall and its cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.problem import PlanningProblem


@dataclass(frozen=True)
class PlanArrays:
    """A plan whose arrays agree exactly with each other (solver round-off removed)."""

    hours: np.ndarray  # [R, W]
    production: np.ndarray  # [R, W]
    inventory: np.ndarray  # [P, W]
    backlog: np.ndarray  # [P, W]
    overtime: np.ndarray  # [L, W]
    shortfall: np.ndarray  # [P, W]
    line_hours: np.ndarray  # [L, W]
    costs: dict[str, float]

    @property
    def objective(self) -> float:
        return float(sum(self.costs.values()))


def line_hours(problem: PlanningProblem, hours: np.ndarray) -> np.ndarray:
    """[L, W] hours per line-week of a route-hours array."""
    totals = np.zeros((len(problem.lines), hours.shape[1]))
    np.add.at(totals, np.asarray(problem.route_line), hours)
    return totals


def product_units(problem: PlanningProblem, production: np.ndarray) -> np.ndarray:
    """[P, W] units per product-week of a route-production array."""
    totals = np.zeros((len(problem.products), production.shape[1]))
    np.add.at(totals, np.asarray(problem.route_product), production)
    return totals


def plan_arrays(problem: PlanningProblem, hours: np.ndarray) -> PlanArrays:
    """Derive everything else from route hours, so the plan balances exactly."""
    hours = np.maximum(np.asarray(hours, float), 0.0)
    rate = np.asarray(problem.route_rate, float)
    production = hours * rate[:, None]
    made = product_units(problem, production)
    start = np.asarray(problem.initial_inventory, float) - np.asarray(problem.initial_backlog, float)
    net = start[:, None] + np.cumsum(made - np.asarray(problem.demand, float), axis=1)
    inventory, backlog = np.maximum(net, 0.0), np.maximum(-net, 0.0)
    loads = line_hours(problem, hours)
    overtime = np.maximum(loads - problem.effective_capacity, 0.0)
    shortfall = np.maximum(np.asarray(problem.safety_stock, float)[:, None] - inventory, 0.0)
    costs = {
        "backlog": float(np.sum(np.asarray(problem.backlog_weight) * backlog)),
        "holding": float(np.sum(np.asarray(problem.holding_cost)[:, None] * inventory)),
        "overtime": float(problem.overtime_cost * overtime.sum()),
        "safety_stock": float(problem.safety_shortfall_cost * shortfall.sum()),
        "change": change_cost(problem, production),
    }
    return PlanArrays(hours, production, inventory, backlog, overtime, shortfall, loads, costs)


def change_cost(problem: PlanningProblem, production: np.ndarray) -> float:
    """Stability penalty of a plan: |x - plan in force| in the change window."""
    if problem.plan_in_force is None:
        return 0.0
    start, window = problem.frozen, change_weeks(problem)
    diff = production[:, start : start + window] - np.asarray(problem.plan_in_force)[:, start : start + window]
    return float(problem.change_penalty * np.abs(diff).sum())


def change_weeks(problem: PlanningProblem) -> int:
    """Weeks with a change penalty: the window, cut where the plan in force stops."""
    covered = len(problem.weeks) if problem.plan_in_force_weeks is None else problem.plan_in_force_weeks
    return max(0, min(problem.change_window, covered - problem.frozen))
