"""The weekly LP solved by HiGHS through its own API (highspy): built per replan, no compile step to reuse."""

from __future__ import annotations

import datetime
import time

import numpy as np

from solver.direct import SparseLp, build
from solver.frozen import FrozenWindow
from solver.lp_data import lp_data
from solver.problem import PlanningProblem
from solver.warm import Basis, shifted

# HiGHS option sets by name; interior point without crossover is steady on the large plant, where dual simplex
# times varied with the data by 5x (MEASUREMENTS.md).
HIGHS_OPTIONS: dict[str, dict[str, str | bool | float]] = {
    "ipm": {"solver": "ipm", "run_crossover": "off"},
    "simplex": {"solver": "simplex"},
    "pdlp": {"solver": "pdlp"},
}


class DirectModel:
    """Same interface as model.CapacityModel for the planner: load, run, free_hours, capacity_price.

    Kept between replans of one plant, it starts the simplex from the last solve's basis moved on by the
    weeks that passed (warm.py), where the routes are the same; with warm_start=False every solve is cold."""

    def __init__(self, method: str = "simplex", warm_start: bool = True) -> None:
        self.options = HIGHS_OPTIONS[method]
        self.warm_start = warm_start and method == "simplex"
        self.lp: SparseLp | None = None
        self.start: Basis | None = None  # the basis the next run starts from
        self.last: tuple[bytes, datetime.date, Basis] | None = None  # routes, first week, basis of the last solve
        self.signature: tuple[bytes, datetime.date] = (b"", datetime.date.min)
        self.warm_started = False
        self.shape = (0, 0, 0)  # routes, lines, free weeks
        self.primal = np.zeros(0)
        self.row_dual = np.zeros(0)
        self.build_seconds = 0.0
        self.solve_seconds = 0.0
        self.solve_cpu_seconds = 0.0
        self.duality_gap = float("nan")  # |primal - dual| / max(1, |primal|) of the last solve

    def load(self, problem: PlanningProblem, frozen: FrozenWindow) -> None:
        started = time.perf_counter()
        data = lp_data(problem, frozen)
        self.lp = build(
            data,
            np.asarray(problem.route_product, np.int64),
            np.asarray(problem.route_line, np.int64),
            np.asarray(problem.route_rate, float),
        )
        self.shape = (len(problem.route_product), len(problem.lines), data.capacity.shape[1])
        self.signature = (routes_signature(problem), problem.weeks[0])
        self.start = None
        if self.warm_start and self.last is not None and self.last[0] == self.signature[0]:
            shift = (problem.weeks[0] - self.last[1]).days // 7
            if 0 <= shift < len(problem.weeks):
                self.start = shifted(self.last[2], self.lp.col_key, self.lp.row_key, shift, len(problem.weeks))
        self.build_seconds = time.perf_counter() - started

    def run(self) -> str:
        """Solve the loaded LP; the status in CVXPY's words (optimal, infeasible, ...)."""
        import highspy

        assert self.lp is not None, "load a problem first"
        lp = self.lp
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        for key, value in self.options.items():
            highs.setOptionValue(key, value)
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = lp.a.shape[1], lp.a.shape[0]
        model.col_cost_, model.col_lower_, model.col_upper_ = lp.c, lp.col_lower, lp.col_upper
        model.row_lower_, model.row_upper_ = lp.row_lower, lp.row_upper
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_, model.a_matrix_.index_, model.a_matrix_.value_ = lp.a.indptr, lp.a.indices, lp.a.data
        model.a_matrix_.num_col_, model.a_matrix_.num_row_ = lp.a.shape[1], lp.a.shape[0]
        highs.passModel(model)
        self.warm_started = self.start is not None and self._set_basis(highs, self.start)
        started, cpu = time.perf_counter(), time.process_time()
        highs.run()
        self.solve_seconds = time.perf_counter() - started  # HiGHS alone, for the bench's own-API figure
        self.solve_cpu_seconds = time.process_time() - cpu
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            return str(highs.modelStatusToString(status)).lower()
        solution = highs.getSolution()
        self.primal = np.asarray(solution.col_value)
        self.row_dual = np.asarray(solution.row_dual)
        info = highs.getInfo()
        primal, dual = float(info.objective_function_value), self.dual_objective(lp)
        self.duality_gap = abs(primal - dual) / max(1.0, abs(primal))
        if self.warm_start:
            basis = highs.getBasis()
            self.last = (self.signature[0], self.signature[1], Basis(
                lp.col_key, np.fromiter((int(s) for s in basis.col_status), np.int8, lp.a.shape[1]),
                lp.row_key, np.fromiter((int(s) for s in basis.row_status), np.int8, lp.a.shape[0]),
            ))
        return "optimal"

    @staticmethod
    def _set_basis(highs: object, start: Basis) -> bool:
        import highspy

        status = list(highspy.HighsBasisStatus.__members__.values())
        by_code = {int(s): s for s in status}
        basis = highspy.HighsBasis()
        basis.col_status = [by_code[int(s)] for s in start.col_status]
        basis.row_status = [by_code[int(s)] for s in start.row_status]
        basis.valid, basis.alien = True, True  # HiGHS completes a basis with too few or too many basic entries
        return highs.setBasis(basis) == highspy.HighsStatus.kOk  # type: ignore[attr-defined,no-any-return]

    def dual_objective(self, lp: SparseLp) -> float:
        """The dual bound of the solution: y.b over active row bounds plus reduced costs on column bounds."""
        y = self.row_dual
        row_bound = np.where(y > 0, lp.row_lower, lp.row_upper)
        reduced = lp.c - lp.a.T @ y
        col_bound = np.where(reduced > 0, lp.col_lower, lp.col_upper)
        # An infinite bound with a non-zero multiplier means the dual is slightly infeasible: count it as 0.
        rows = y * np.where(np.isfinite(row_bound), row_bound, 0.0)
        cols = reduced * np.where(np.isfinite(col_bound), col_bound, 0.0)
        return float(rows.sum() + cols.sum())

    def free_hours(self) -> np.ndarray:
        """[R, W - F] route hours after the frozen weeks."""
        n_r, _, n_free = self.shape
        return self.primal[: n_r * n_free].reshape(n_r, n_free)

    def capacity_price(self) -> np.ndarray:
        """[L, W - F] objective gain per extra plannable hour (HiGHS prices a binding upper row bound < 0)."""
        assert self.lp is not None
        _, n_l, n_free = self.shape
        return np.maximum(-self.row_dual[self.lp.capacity_rows], 0.0).reshape(n_l, n_free)


def routes_signature(problem: PlanningProblem) -> bytes:
    """What must not change for a basis to carry over: products, lines and routes (keys name them by index).
    Windows may change: rows and columns a window adds or drops are matched by key or start fresh."""
    sizes = np.array([len(problem.lines), len(problem.products)])
    parts = (problem.route_product, problem.route_line, problem.route_rate, sizes)
    return b"".join(np.asarray(p, np.float64).tobytes() for p in parts)
