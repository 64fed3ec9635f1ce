"""The numbers of one weekly LP (after the frozen weeks), shared by the CVXPY model and the direct HiGHS one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solver.frozen import FrozenWindow
from solver.plan import change_weeks
from solver.problem import PlanningProblem


@dataclass(frozen=True)
class LpData:
    """Shapes: P products, L lines, R routes, W periods, F frozen periods, K change-window periods."""

    capacity: np.ndarray  # [L, W - F] plannable hours (net of the reserve, first week cut)
    overtime_max: np.ndarray  # [L, W - F]
    demand: np.ndarray  # [P, W] less the starting stock and the frozen production
    backlog_weight: np.ndarray  # [P, W]
    holding: np.ndarray  # [P, W] per unit held over the period
    safety_stock: np.ndarray  # [P, W]
    overtime_cost: float
    shortfall_cost: np.ndarray  # [P, W]
    previous_hours: np.ndarray  # [R, K] the plan in force, in hours
    change_weight: np.ndarray  # [R, K] per hour moved against it (0 beyond the plan in force)
    committed: np.ndarray  # [R, W - F] promised hours
    promise_break_cost: float


def lp_data(problem: PlanningProblem, frozen: FrozenWindow) -> LpData:
    """The LP's numbers for one replan (numpy only)."""
    n_w, n_f, n_k = len(problem.weeks), problem.frozen, problem.change_window
    rate = np.asarray(problem.route_rate, float)
    # The first week's cut (a replan mid-week) falls on its plannable hours first, then on overtime.
    limit = problem.week_limit[:, n_f:]
    capacity = np.minimum(problem.effective_capacity[:, n_f:], limit)
    demand = np.array(problem.demand, float)
    demand[:, 0] -= np.asarray(problem.initial_inventory, float) - np.asarray(problem.initial_backlog, float)
    np.subtract.at(demand[:, :n_f], np.asarray(problem.route_product), frozen.hours * rate[:, None])
    length = problem.period_lengths[None, :]  # stock held over a multi-week period costs per week
    weight = np.zeros((len(rate), n_k))
    previous = np.zeros((len(rate), n_k))
    if problem.plan_in_force is not None and n_k:
        previous = np.asarray(problem.plan_in_force, float)[:, n_f : n_f + n_k] / rate[:, None]
        weight[:, : change_weeks(problem)] = problem.change_penalty * rate[:, None]
    committed = np.zeros((len(rate), n_w - n_f))
    if problem.committed_hours is not None:
        committed = np.asarray(problem.committed_hours, float)[:, n_f:]
    return LpData(
        capacity=capacity,
        overtime_max=np.minimum(np.asarray(problem.overtime_max_hours, float)[:, n_f:], limit - capacity),
        demand=demand,
        backlog_weight=np.asarray(problem.backlog_weight, float),
        holding=np.asarray(problem.holding_cost, float)[:, None] * length,
        safety_stock=np.repeat(np.asarray(problem.safety_stock, float)[:, None], n_w, axis=1),
        overtime_cost=float(problem.overtime_cost),
        shortfall_cost=np.repeat(problem.safety_shortfall_cost * length, len(problem.products), axis=0),
        previous_hours=np.maximum(previous, 0.0),
        change_weight=weight,
        committed=np.maximum(committed, 0.0),
        promise_break_cost=float(problem.promise_break_cost),
    )
