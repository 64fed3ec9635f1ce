"""CapacityPlanner: solve a PlanningProblem, reusing the compiled LP while the plant's structure holds."""

from __future__ import annotations

import time

import cvxpy as cp
import numpy as np

from solver.diagnostics import diagnose
from solver.direct_model import DirectModel
from solver.formulation import formulation_note, formulation_of
from solver.frozen import FrozenWindow, frozen_window
from solver.heap import keep_freed_memory
from solver.horizon import coarsen, expand, period_of_week
from solver.model import CapacityModel, Structure
from solver.plan import plan_arrays
from solver.problem import PlanningProblem
from solver.result import Diagnostic, DiagnosticKind, LineLoad, PlanResult, SolverStatus
from solver.solvers import DEFAULT_SOLVER, DIRECT, SOLVERS, Solved, solve_options

__all__ = ["DEFAULT_SOLVER", "SOLVERS", "CapacityPlanner", "broken_promises"]


class CapacityPlanner:
    """Compiled once per plant structure (sizes, routes, window lengths); .solve() only swaps data."""

    def __init__(self, solver: str = DEFAULT_SOLVER, warm_start: bool = True) -> None:
        solve_options(solver)  # fail early on an unknown name
        keep_freed_memory()  # the next replan reuses the heap this one grows (heap.py)
        self.solver = solver
        self.warm_start = warm_start  # direct simplex only: start from the last replan's basis (warm.py)
        self.model: CapacityModel | None = None
        self.direct: DirectModel | None = None

    def solve(self, problem: PlanningProblem) -> PlanResult:
        """Plan one horizon; the result always carries a plan and diagnostics in words.

        With problem.detail_weeks set, weeks after them are planned in buckets (horizon.py) and the
        bucket plan is spread back over its weeks; the result is always per week."""
        problem.validate()
        period = period_of_week(problem)
        coarse = coarsen(problem, period)
        frozen = frozen_window(coarse)
        solved = self._run_direct(coarse, frozen) if self.solver in DIRECT else self._run_cvxpy(coarse, frozen)
        return self._result(problem, period, solved, frozen)

    def _run_cvxpy(self, problem: PlanningProblem, frozen: FrozenWindow) -> Solved:
        model = self._model_for(problem)
        model.load(problem, frozen)
        name, options = solve_options(self.solver)
        started = time.perf_counter()
        try:
            status = model.run(name, options)
        except cp.error.SolverError as error:
            status = f"solver error: {error}"
        wall = time.perf_counter() - started
        compile_seconds = float(model.problem.compilation_time or 0.0)
        if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) or not model.solved():
            return Solved(status, None, None, wall - compile_seconds, compile_seconds)
        return Solved(status, model.free_hours(), model.capacity_price(), wall - compile_seconds, compile_seconds)

    def _run_direct(self, problem: PlanningProblem, frozen: FrozenWindow) -> Solved:
        method = str(solve_options(self.solver)[1]["method"])
        if self.direct is None:
            self.direct = DirectModel(method, warm_start=self.warm_start)
        model = self.direct
        model.load(problem, frozen)
        started = time.perf_counter()
        status = model.run()
        seconds = time.perf_counter() - started
        if status != cp.OPTIMAL:
            return Solved(status, None, None, seconds, model.build_seconds)
        return Solved(status, model.free_hours(), model.capacity_price(), seconds, model.build_seconds,
                      model.duality_gap)

    def _model_for(self, problem: PlanningProblem) -> CapacityModel:
        structure = Structure.of(problem)
        if self.model is None or self.model.structure != structure:
            self.model = CapacityModel(
                structure,
                np.asarray(problem.route_product),
                np.asarray(problem.route_line),
                np.asarray(problem.route_rate, float),
            )
        return self.model

    def _result(
        self,
        problem: PlanningProblem,
        period: np.ndarray,
        run: Solved,
        frozen: FrozenWindow,
    ) -> PlanResult:
        notes: list[Diagnostic] = list(frozen.conflicts)
        status = run.status
        solved = run.free_hours is not None and run.capacity_price is not None
        if run.free_hours is not None and run.capacity_price is not None:
            hours = expand(problem, period, np.hstack([frozen.hours, run.free_hours]))
            price = np.zeros((len(problem.lines), int(period.max()) + 1))
            price[:, problem.frozen :] = run.capacity_price
            shadow = price[:, period]
        else:
            hours = fallback_hours(problem)
            shadow = np.zeros_like(problem.effective_capacity)
            notes.append(Diagnostic(DiagnosticKind.SOLVER, solver_failure_message(self.solver, status)))
        hours = fit_to_capacity(problem, hours)
        arrays = plan_arrays(problem, hours)
        loads = LineLoad(
            planned_hours=arrays.line_hours,
            reserved_hours=problem.reserve_hours,
            capacity_hours=np.asarray(problem.capacity_hours, float),
            overtime_hours=arrays.overtime,
            shadow_price=shadow,
        )
        if not solved:
            plan_status = SolverStatus.INFEASIBLE_DEGRADED
        elif frozen.conflicts:
            plan_status = SolverStatus.DEGRADED
        else:
            plan_status = SolverStatus.OPTIMAL if status == cp.OPTIMAL else SolverStatus.OPTIMAL_INACCURATE
        result = PlanResult(
            status=plan_status,
            objective=arrays.objective,
            production=arrays.production,
            hours=arrays.hours,
            inventory=arrays.inventory,
            backlog=arrays.backlog,
            overtime=arrays.overtime,
            shortfall=arrays.shortfall,
            loads=loads,
            diagnostics=notes,
            solve_seconds=run.solve_seconds,
            compile_seconds=run.compile_seconds,
            solver=self.solver,
            formulation=formulation_of(problem, self.solver),
            cost_breakdown=arrays.costs,
        )
        if solved:
            result.diagnostics.append(formulation_note(problem, result, run.duality_gap))
        result.diagnostics.extend(diagnose(problem, result))
        result.diagnostics.extend(broken_promise_notes(problem, result))
        return result


PROMISE_TOLERANCE_HOURS = 0.01


def broken_promises(problem: PlanningProblem, result: PlanResult) -> np.ndarray:
    """[R, W] promised route hours (problem.committed_hours) the plan does not make."""
    if problem.committed_hours is None:
        return np.zeros_like(result.hours)
    short = np.maximum(np.asarray(problem.committed_hours, float) - result.hours, 0.0)
    # Less than a unit (a lot) short on a route-week the plan makes is the whole-unit rounding of the
    # plan in force it kept, not a broken promise; a route-week it cannot make at all is broken.
    unit_hours = (problem.route_lot / np.asarray(problem.route_rate, float))[:, None]
    rounding = (short < unit_hours) & (result.hours > PROMISE_TOLERANCE_HOURS)
    short[(short < PROMISE_TOLERANCE_HOURS) | rounding] = 0.0
    return short


def broken_promise_notes(problem: PlanningProblem, result: PlanResult) -> list[Diagnostic]:
    """One diagnostic per route-week whose promised hours the plan cannot make."""
    notes = []
    for route, week in np.argwhere(broken_promises(problem, result) > 0):
        line, product = int(problem.route_line[route]), int(problem.route_product[route])
        short = float(np.asarray(problem.committed_hours)[route, week] - result.hours[route, week])
        notes.append(Diagnostic(
            DiagnosticKind.BROKEN_PROMISE,
            f"{problem.products[product]} on {problem.lines[line]} in week {problem.weeks[week]}: {short:.1f} of the "
            f"promised hours do not fit what the line has left; the orders holding them are at risk",
            line, int(week), product))
    return notes


def fit_to_capacity(problem: PlanningProblem, hours: np.ndarray) -> np.ndarray:
    """Scale a line-week down where solver round-off (or a kept plan) overshoots its plannable hours plus
    overtime (the first week: what its open days can still hold)."""
    hours = np.maximum(hours, 0.0)
    line = np.asarray(problem.route_line)
    loads = np.zeros_like(problem.effective_capacity)
    np.add.at(loads, line, hours)
    limit = problem.week_limit
    scale = np.divide(limit, loads, out=np.ones_like(loads), where=loads > limit)
    return hours * np.minimum(scale, 1.0)[line]


def fallback_hours(problem: PlanningProblem) -> np.ndarray:
    """Without a solution keep the plan in force (or nothing), so callers still get a plan to show."""
    n_routes, n_weeks = len(problem.route_product), len(problem.weeks)
    if problem.plan_in_force is None:
        return np.zeros((n_routes, n_weeks))
    return np.maximum(np.asarray(problem.plan_in_force, float), 0.0) / np.asarray(problem.route_rate)[:, None]


def solver_failure_message(solver: str, status: str) -> str:
    """Explain in words why no new plan came out."""
    return (
        f"The {solver} solver could not finish the plan ({status}); the plan in force is kept, trimmed to "
        "the capacity now available. Check for extreme costs or capacities, or retry with another solver."
    )
