"""Scenarios: the same plan for low / mid / high forecasts, and the elastic capacity each needs (R2, R14)."""

from __future__ import annotations

import dataclasses

import numpy as np

from solver.planner import CapacityPlanner
from solver.problem import PlanningProblem
from solver.result import PlanResult


@dataclasses.dataclass(frozen=True)
class ElasticCapacity:
    """What a scenario asks beyond plannable hours, per line and week."""

    overtime_hours: np.ndarray  # [L, W]
    late_hours: np.ndarray  # [L, W] backlog expressed as hours on the product's lines (split evenly)
    backlog_units: np.ndarray  # [P, W]


def scenarios(
    planner: CapacityPlanner, problem: PlanningProblem, tiers: dict[str, np.ndarray]
) -> dict[str, PlanResult]:
    """Solve the problem once per demand tier; the compiled LP is reused (only demand changes)."""
    return {
        name: planner.solve(dataclasses.replace(problem, demand=np.asarray(demand, float)))
        for name, demand in tiers.items()
    }


def elastic_capacity(problem: PlanningProblem, result: PlanResult) -> ElasticCapacity:
    """Overtime and the hours the backlog would need, per line-week."""
    route_product, route_line = np.asarray(problem.route_product), np.asarray(problem.route_line)
    lines_per_product = np.bincount(route_product, minlength=len(problem.products))
    share = 1.0 / np.maximum(lines_per_product[route_product], 1)
    late = np.zeros_like(result.overtime)
    hours = result.backlog[route_product] * (share / np.asarray(problem.route_rate, float))[:, None]
    np.add.at(late, route_line, hours)
    return ElasticCapacity(result.overtime, late, result.backlog)
