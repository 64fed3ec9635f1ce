"""Benchmark of the capacity model: build/compile, solve, DPP re-solve, the solver's own API, CTP, quality.

Run: .venv/bin/python bench/solver.py [--sizes small,medium,large] [--solver AUTO] [--exact]
Each size runs in its own process (for its peak memory) and prints one JSON line; the last line
sums up the targets. --solver AUTO plans each size as SOP_SOLVER=AUTO would (solver/choice.py).
For CVXPY's overhead over HiGHS's own API see bench/solver_overhead.py (the target's figure).
--exact also solves the large plant's exact week-by-week LP through CVXPY (HiGHS interior point, minutes)
and reports the replan and every faster formulation against it; each formulation runs in a fresh process
for its own peak memory. Timings on a shared 2-core machine are noisy: the line carries the load average,
and CPU seconds beside wall seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.solver_overhead import alternated_overhead
from solver import CapacityPlanner, PlanningProblem, QuoteLine, promise_from_plan
from solver.choice import auto_solver, detail_weeks_for
from solver.plan import plan_arrays
from solver.testing import roll_week, synthetic_plant

SIZES = {"small": (50, 5, 13), "medium": (500, 20, 13), "large": (2000, 50, 26)}
# The large plant's stability is priced 4 weeks past the frozen one; buckets only where AUTO's solver needs them.
LARGE = {"change_window_weeks": 4}
BUCKETS_D4_B4 = {"detail_weeks": 4, "bucket_weeks": 4}
# Formulations against the exact LP: (solver, changes to the problem, warm start from last week's basis).
VARIANTS: dict[str, dict[str, tuple[str | None, dict[str, Any], bool]]] = {
    "medium": {
        "change_window_6": (None, {"change_window_weeks": 6}, False),
        "change_window_4": (None, {"change_window_weeks": 4}, False),
        "buckets_d4_b4_window_4": (None, {**BUCKETS_D4_B4, "change_window_weeks": 4}, False),
        "buckets_d6_b2": (None, {"detail_weeks": 6, "bucket_weeks": 2}, False),
        "exact_direct_cold": ("HIGHS_DIRECT", {}, False),
    },
    "large": {
        "buckets_d4_b4_clarabel": ("CLARABEL", BUCKETS_D4_B4, False),
        "buckets_d6_b2_clarabel": ("CLARABEL", {"detail_weeks": 6, "bucket_weeks": 2}, False),
        "exact_direct_cold": ("HIGHS_DIRECT", {}, False),
        "exact_direct_ipm": ("HIGHS_DIRECT_IPM", {}, False),
    },
}
EXACT_REFERENCE = "HIGHS_IPM"  # the exact LP through CVXPY: another code path than HIGHS_DIRECT's


def direct_solve(planner: CapacityPlanner, problem: PlanningProblem) -> tuple[float, float]:
    """Wall and CPU seconds of the same replan through HiGHS's own API (HIGHS_DIRECT, cold start).

    CVXPY's canonical form handed to HiGHS's own API (free columns, every bound a row) took 12.5 s on medium
    where CVXPY's interface solved it in 1.3 s: the fair own-API figure is the LP as one writes it for HiGHS,
    end to end like the CVXPY replan (result, diagnostics). For HIGHS_DIRECT it is HiGHS's run time."""
    if planner.direct is not None:
        return planner.direct.solve_seconds, planner.direct.solve_cpu_seconds
    own = CapacityPlanner("HIGHS_DIRECT_IPM" if planner.solver.endswith("IPM") else "HIGHS_DIRECT", warm_start=False)
    wall, cpu = time.perf_counter(), time.process_time()
    own.solve(problem)
    return time.perf_counter() - wall, time.process_time() - cpu


def replan_alone(history: list[PlanningProblem], solver: str) -> float:
    """In a fresh process: plan each week of `history` in turn with one planner; CPU seconds of the last one."""
    planner = CapacityPlanner(solver, warm_start=False)
    for problem in history[:-1]:
        planner.solve(problem)
    cpu = time.process_time()
    planner.solve(history[-1])
    return time.process_time() - cpu


def direct_same_history_cpu(history: list[PlanningProblem], solver: str) -> float:
    """CPU seconds of the replan through HiGHS's own API in a process of its own that planned the same weeks
    before it, as the CVXPY replan's process did (direct_solve runs in the CVXPY process, after its solves)."""
    direct = "HIGHS_DIRECT_IPM" if solver.endswith("IPM") else "HIGHS_DIRECT"
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(replan_alone, history, direct).result()


def quotes_per_second(problem: PlanningProblem, plan: Any, n_quotes: int = 2000) -> float:
    ctp = promise_from_plan(problem, plan, first_week_open_share=4 / 7)
    rng = np.random.default_rng(0)
    products = np.unique(problem.route_product)
    orders = [
        [QuoteLine(int(rng.choice(products)), float(rng.uniform(10, 500))) for _ in range(int(rng.integers(1, 4)))]
        for _ in range(n_quotes)
    ]
    weeks = rng.integers(0, len(problem.weeks), n_quotes)
    started = time.perf_counter()
    for order, week in zip(orders, weeks, strict=True):
        ctp.quote(order, int(week))
    return n_quotes / (time.perf_counter() - started)


def timed_solve(planner: CapacityPlanner, problem: PlanningProblem) -> tuple[Any, float]:
    started = time.perf_counter()
    result = planner.solve(problem)
    return result, time.perf_counter() - started


def plan_figures(problem: PlanningProblem, hours: np.ndarray) -> dict[str, float]:
    """A week-by-week plan costed with the full objective: objective, late and stock unit-weeks, overtime."""
    plan = plan_arrays(problem, hours)
    return {
        "objective": plan.objective,
        "late_pct": 100 * plan.backlog.sum() / problem.demand.sum(),
        "stock_unit_weeks": float(plan.inventory.sum()),
        "overtime_h": float(plan.overtime.sum()),
    }


def against(figures: dict[str, float], exact: dict[str, float]) -> dict[str, float]:
    """Objective gap in % and late unit-weeks in percentage points of demand against the exact LP's plan."""
    return {
        "gap_pct": round(100 * (figures["objective"] - exact["objective"]) / exact["objective"], 3),
        "late_pp_vs_exact": round(figures["late_pct"] - exact["late_pct"], 4),
    }


def solve_alone(
    problem: PlanningProblem, solver: str, change: dict[str, Any], previous: PlanningProblem | None
) -> dict[str, Any]:
    """In a fresh process: plan `problem` with `change`, warm from `previous` when given; its seconds and peak."""
    planner = CapacityPlanner(solver, warm_start=previous is not None)
    if previous is not None:
        planner.solve(dataclasses.replace(previous, **change))
    wall, cpu = time.perf_counter(), time.process_time()
    result = planner.solve(dataclasses.replace(problem, **change))
    return {
        "hours": result.hours,
        "status": result.status,
        "formulation": result.formulation,
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def in_fresh_process(problem: PlanningProblem, solver: str, change: dict[str, Any]) -> dict[str, Any]:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(solve_alone, problem, solver, change, None).result()


def quality(
    problem: PlanningProblem, size: str, solver: str, exact: dict[str, float]
) -> dict[str, Any]:
    """Each formulation's plan, costed with the full week-by-week objective, against the exact LP's."""
    found = {}
    for name, (variant_solver, change, _) in VARIANTS[size].items():
        run = in_fresh_process(problem, variant_solver or solver, change)
        figures = plan_figures(problem, run.pop("hours"))
        found[name] = {
            **against(figures, exact),
            "late_unit_weeks_pct_of_demand": round(figures["late_pct"], 4),
            "stock_unit_weeks": round(figures["stock_unit_weeks"], 1),
            "overtime_h": round(figures["overtime_h"], 1),
            **run,
        }
    return found


def run_size(size: str, solver: str, exact: bool) -> dict[str, Any]:
    n_products, n_lines, n_weeks = SIZES[size]
    settings = LARGE if size == "large" else {}
    plant = dataclasses.replace(synthetic_plant(n_products, n_lines, n_weeks, seed=0), **settings)  # type: ignore[arg-type]
    route_weeks = len(plant.route_product) * n_weeks
    solver = auto_solver(route_weeks) if solver == "AUTO" else solver
    plant = dataclasses.replace(plant, detail_weeks=detail_weeks_for(solver, route_weeks))
    planner = CapacityPlanner(solver)  # one planner all along, as the service keeps one per process
    plan_zero, _ = timed_solve(planner, plant)  # the plan in force before the bench
    first_week = roll_week(plant, plan_zero.production, seed=1)
    first, first_seconds = timed_solve(planner, first_week)
    next_week = roll_week(first_week, first.production, seed=2)
    cpu = time.process_time()
    replan, replan_seconds = timed_solve(planner, next_week)
    replan_cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before any reference or variant runs
    direct, direct_cpu = direct_solve(planner, next_week)
    line: dict[str, Any] = {
        "bench": "solver",
        "size": size,
        "shape": f"{n_products}x{n_lines}x{n_weeks}",
        "routes": len(plant.route_product),
        "solver": solver,
        "formulation": replan.formulation,
        "warm_started": bool(planner.direct is not None and planner.direct.warm_started),
        "settings": {**settings, "detail_weeks": plant.detail_weeks},
        "cvxpy_build_compile_s": round(first.compile_seconds, 3),
        "first_solve_s": round(first.solve_seconds, 3),
        "first_end_to_end_s": round(first_seconds, 3),
        "resolve_compile_s": round(replan.compile_seconds, 4),
        "resolve_solve_s": round(replan.solve_seconds, 3),
        "weekly_replan_end_to_end_s": round(replan_seconds, 3),
        "weekly_replan_cpu_s": round(replan_cpu, 3),
        "direct_api_solve_s": round(direct, 3),
        "cvxpy_over_direct_ratio": round(replan_seconds / direct, 3),
        "cvxpy_overhead_pct_of_solve": round(100 * (replan_seconds - direct) / direct, 1),
        "direct_api_solve_cpu_s": round(direct_cpu, 3),
        "cvxpy_overhead_pct_of_solve_cpu": round(100 * (replan_cpu - direct_cpu) / direct_cpu, 1),
        "status": replan.status,
        "objective": round(replan.objective, 3),
        "diagnostic_formulation": next(d.message for d in replan.diagnostics if d.kind == "formulation"),
        "ctp_quotes_per_s": round(quotes_per_second(next_week, replan), 1),
        "peak_rss_mb": round(peak, 1),
    }
    if planner.direct is None:
        # The same comparison with the direct replan in a process of its own with the same history (not the
        # target's figure): shows how much of the overhead is the order of the two runs in one process.
        same = direct_same_history_cpu([plant, first_week, next_week], solver)
        line["direct_api_same_history_cpu_s"] = round(same, 3)
        line["cvxpy_overhead_pct_vs_same_history_cpu"] = round(100 * (replan_cpu - same) / same, 1)
        # The figure the target is judged on: several new weeks, each path in its own process, timed in turn.
        line.update(alternated_overhead(plant, solver))
    replanned = plan_figures(next_week, replan.hours)
    if size == "medium" and replan.formulation.startswith("exact"):
        line["quality_vs_exact"] = against(replanned, replanned)
        line["formulations_vs_exact"] = quality(next_week, size, solver, replanned)
        others = {}
        for other in ("CLARABEL", "HIGHS", "HIGHS_IPM", "HIGHS_DIRECT"):
            _, seconds = timed_solve(CapacityPlanner(other), next_week)
            others[other] = round(seconds, 3)
        line["replan_s_by_solver"] = others
    if size == "large" and exact:
        reference = in_fresh_process(next_week, EXACT_REFERENCE, {"detail_weeks": None})
        exact_figures = plan_figures(next_week, reference.pop("hours"))
        line["exact_reference"] = {
            "solver": f"{EXACT_REFERENCE} through CVXPY",
            "objective": round(exact_figures["objective"], 3),
            "late_unit_weeks_pct_of_demand": round(exact_figures["late_pct"], 4),
            "stock_unit_weeks": round(exact_figures["stock_unit_weeks"], 1),
            "overtime_h": round(exact_figures["overtime_h"], 1),
            **reference,
        }
        line["quality_vs_exact"] = against(replanned, exact_figures)
        line["formulations_vs_exact"] = quality(next_week, size, solver, exact_figures)
    line["load_average"] = os.getloadavg()
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--solver", default="AUTO")
    parser.add_argument("--exact", action="store_true", help="also solve the large exact LP as the reference")
    parser.add_argument("--one", help="internal: run one size in this process")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.solver, args.exact)), flush=True)
        return
    lines = []
    for size in args.sizes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", size, "--solver", args.solver, *(["--exact"] if args.exact else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        line = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps(line), flush=True)
        lines.append(line)
    by_size = {line["size"]: line for line in lines}
    targets = {}
    if "medium" in by_size:
        medium = by_size["medium"]
        targets["medium_replan_le_1s"] = medium["weekly_replan_end_to_end_s"] <= 1.0
        # On CPU seconds: under a shared machine's load the wall figures swing by +-35% from run to run, and one
        # CPU figure by 10-30 %: the median of alternated weekly replans (bench/solver_overhead.py).
        targets["medium_cvxpy_overhead_le_10pct_cpu"] = medium["cvxpy_overhead_pct_alternated_cpu"] <= 10.0
        targets["medium_ctp_ge_1000_per_s"] = medium["ctp_quotes_per_s"] >= 1000
    if "large" in by_size:
        large = by_size["large"]
        targets["large_replan_le_30s"] = large["weekly_replan_end_to_end_s"] <= 30.0
        targets["large_under_4gb"] = large["peak_rss_mb"] < 4096
        if "quality_vs_exact" in large:
            targets["large_gap_le_5pct"] = large["quality_vs_exact"]["gap_pct"] <= 5.0
            targets["large_late_within_0_1pp"] = large["quality_vs_exact"]["late_pp_vs_exact"] <= 0.1
    print(json.dumps({"bench": "solver", "summary": True, "targets_met": targets}))


if __name__ == "__main__":
    main()
