"""The weekly capacity LP in CVXPY, compiled once per plant structure and re-solved with new data (DPP)."""

from __future__ import annotations

from dataclasses import dataclass

import cvxpy as cp
import cvxpy.settings as cvxpy_settings
import numpy as np
import scipy.sparse as sp
from cvxpy.reductions.solution import Solution

from solver.frozen import FrozenWindow
from solver.lp_data import lp_data
from solver.problem import PlanningProblem


@dataclass(frozen=True)
class Structure:
    """What fixes the compiled problem: sizes, the allowed routes and the window lengths."""

    n_products: int
    n_lines: int
    n_weeks: int
    route_product: bytes
    route_line: bytes
    route_rate: bytes
    frozen: int
    change_window: int

    @classmethod
    def of(cls, problem: PlanningProblem) -> Structure:
        n_products, n_lines, _, n_weeks = problem.shape
        return cls(
            n_products,
            n_lines,
            n_weeks,
            np.asarray(problem.route_product, np.int64).tobytes(),
            np.asarray(problem.route_line, np.int64).tobytes(),
            np.asarray(problem.route_rate, np.float64).tobytes(),
            problem.frozen,
            problem.change_window,
        )


def incidence(rows: np.ndarray, n_rows: int, values: np.ndarray | None = None) -> sp.csr_matrix:
    """Matrix [n_rows, R] summing routes into their product or line (0/1, or weighted by values)."""
    n_routes = len(rows)
    data = np.ones(n_routes) if values is None else values
    return sp.csr_matrix((data, (rows, np.arange(n_routes))), shape=(n_rows, n_routes))


def weighted_sum(weight: cp.Parameter, variable: cp.Variable) -> cp.Expression:
    """sum(weight * variable) as one row: cp.multiply(parameter, variable) compiles a tensor of
    size(parameter) x size(variable) rows under DPP (seconds on the medium plant); a dot product does not."""
    return cp.vec(weight, order="F") @ cp.vec(variable, order="F")


class CapacityModel:
    """The LP over route hours h [R, W - F] of the weeks after the frozen ones; every number that
    changes week to week is a Parameter. Frozen weeks are data (see frozen.py): variables pinned
    to fixed values stall interior-point solvers.

    Working in hours scales the LP well (units = rate * h). Rates are constants of the structure:
    a parametric rate would need cp.multiply(parameter, variable), which DPP compiles slowly.
    """

    def __init__(
        self, structure: Structure, route_product: np.ndarray, route_line: np.ndarray, route_rate: np.ndarray
    ) -> None:
        n_p, n_l, n_w = structure.n_products, structure.n_lines, structure.n_weeks
        n_r, n_f, n_k = len(route_product), structure.frozen, structure.change_window
        n_free = n_w - n_f
        self.structure = structure
        self.capacity = cp.Parameter((n_l, n_free), nonneg=True)  # already net of the reserve
        self.overtime_max = cp.Parameter((n_l, n_free), nonneg=True)
        self.demand = cp.Parameter((n_p, n_w))  # less the starting stock and the frozen production
        self.backlog_weight = cp.Parameter((n_p, n_w), nonneg=True)
        self.holding = cp.Parameter((n_p, n_w), nonneg=True)
        self.safety_stock = cp.Parameter((n_p, n_w), nonneg=True)
        self.overtime_cost = cp.Parameter(nonneg=True)
        self.shortfall_cost = cp.Parameter((n_p, n_w), nonneg=True)
        self.hours = cp.Variable((n_r, n_free), nonneg=True)
        self.inventory = cp.Variable((n_p, n_w), nonneg=True)
        self.backlog = cp.Variable((n_p, n_w), nonneg=True)
        self.overtime = cp.Variable((n_l, n_free), nonneg=True)
        self.shortfall = cp.Variable((n_p, n_w), nonneg=True)
        to_product, to_line = incidence(route_product, n_p, route_rate), incidence(route_line, n_l)
        net = self.inventory - self.backlog
        made = to_product @ self.hours
        if n_f:
            made = cp.hstack([np.zeros((n_p, n_f)), made])
        change = net - net @ sp.eye(n_w, k=1, format="csr")  # (net @ S)[:, t] = net[:, t-1]
        self.capacity_limit = to_line @ self.hours <= self.capacity + self.overtime
        constraints = [
            change == made - self.demand,
            self.capacity_limit,
            self.overtime <= self.overtime_max,
            self.shortfall >= self.safety_stock - self.inventory,
        ]
        cost = (
            weighted_sum(self.backlog_weight, self.backlog)
            + weighted_sum(self.holding, self.inventory)
            + self.overtime_cost * cp.sum(self.overtime)
            + weighted_sum(self.shortfall_cost, self.shortfall)
        )
        self.previous_hours = cp.Parameter((n_r, n_k), nonneg=True)
        self.change_weight = cp.Parameter((n_r, n_k), nonneg=True)  # per hour moved
        if n_k:
            # |h - h_prev| = up + down keeps the weighted penalty DPP (a parameter times abs() is not).
            up, down = cp.Variable((n_r, n_k), nonneg=True), cp.Variable((n_r, n_k), nonneg=True)
            constraints.append(self.hours[:, :n_k] - self.previous_hours == up - down)
            cost += weighted_sum(self.change_weight, up) + weighted_sum(self.change_weight, down)
        # Promises held on the ledger: made unless capacity is gone, and then each hour short costs far more
        # than any new demand served late (broken_promises names them). Split as h >= c - gap to stay DPP.
        self.committed = cp.Parameter((n_r, n_free), nonneg=True)
        self.promise_break_cost = cp.Parameter(nonneg=True)
        self.promise_gap = cp.Variable((n_r, n_free), nonneg=True)
        constraints.append(self.hours + self.promise_gap >= self.committed)
        cost += self.promise_break_cost * cp.sum(self.promise_gap)
        self.problem = cp.Problem(cp.Minimize(cost), constraints)
        self.solution: Solution | None = None  # of the last run()

    def load(self, problem: PlanningProblem, frozen: FrozenWindow) -> None:
        """Copy one week's data into the parameters (numpy only, no recompilation)."""
        data = lp_data(problem, frozen)
        for name in (
            "capacity", "overtime_max", "demand", "backlog_weight", "holding", "safety_stock", "overtime_cost",
            "shortfall_cost", "previous_hours", "change_weight", "committed", "promise_break_cost",
        ):
            getattr(self, name).value = getattr(data, name)

    def run(self, solver: str, options: dict[str, object]) -> str:
        """Solve with the loaded parameters; CVXPY's status (optimal, infeasible, ...).

        problem.solve() without its last step: the same DPP chain and CVXPY's solver interface, but the solution
        stays in self.solution instead of being unpacked into every variable and the objective value, which the
        planner never reads. Computing that value took 5 dot products of up to R x K entries: over 10,000,
        OpenBLAS woke its threads for them, 15-25 ms wall, and their spinning afterwards about 0.08 CPU s on
        the medium plant (bench/solver.py counted part of it in the own-API figure measured next)."""
        opts = dict(options)  # CVXPY's HiGHS interface pops from them
        warm_start = bool(opts.pop("warm_start", True))
        data, chain, inverse = self.problem.get_problem_data(solver, solver_opts=opts)
        # The solver reduction itself, not chain.solve_via_data: that one keeps the HiGHS object, its data and its
        # results in the problem's solver cache for a HiGHS warm start we do not use (MEASUREMENTS.md), about
        # 60 MB on the medium plant held from one replan to the next, and the next solve then paged in as much
        # again (16-18k page faults inside HiGHS on the first solve of a week).
        raw = chain.solver.solve_via_data(data, warm_start, False, opts)
        self.solution = chain.invert(raw, inverse)
        if self.solution.status in cvxpy_settings.ERROR:
            raise cp.error.SolverError(f"Solver {solver!r} failed.")
        return str(self.solution.status)

    def solved(self) -> bool:
        """The last run gave hours (optimal or optimal but inaccurate)."""
        return self.solution is not None and self.hours.id in (self.solution.primal_vars or {})

    def _primal(self, variable: cp.Variable) -> np.ndarray:
        assert self.solution is not None, "run() first"
        return np.asarray(self.solution.primal_vars[variable.id], float).reshape(variable.shape)

    def broken_promises(self) -> np.ndarray:
        """[R, W - F] promised route hours the plan does not make."""
        if not self.solved():
            return np.zeros(self.committed.shape)
        return np.maximum(self._primal(self.promise_gap), 0.0)

    def free_hours(self) -> np.ndarray:
        """[R, W - F] route hours of the solution in the weeks after the frozen ones."""
        return self._primal(self.hours)

    def capacity_price(self) -> np.ndarray:
        """[L, W - F] objective gain per extra plannable hour (dual of the capacity rows)."""
        assert self.solution is not None and self.solution.dual_vars is not None, "run() first"
        dual = np.asarray(self.solution.dual_vars[self.capacity_limit.id], float).reshape(self.capacity_limit.shape)
        return np.maximum(dual, 0.0)
