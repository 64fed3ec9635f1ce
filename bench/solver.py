"""Benchmark of the capacity model: build/compile, solve, DPP re-solve, the solver's own API, CTP, quality.

Run: .venv/bin/python bench/solver.py [--sizes small,medium,large] [--solver CLARABEL]
Each size runs in its own process (for its peak memory) and prints one JSON line; the last line
sums up the targets. Timings on a shared 2-core machine are noisy: re-run when it is quiet.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import CapacityPlanner, PlanningProblem, QuoteLine, promise_from_plan
from solver.plan import plan_arrays
from solver.testing import roll_week, synthetic_plant

SIZES = {"small": (50, 5, 13), "medium": (500, 20, 13), "large": (2000, 50, 26)}
# The large plant is planned week by week for 4 weeks, then in 4-week buckets, with a 4-week change window.
LARGE = {"detail_weeks": 4, "bucket_weeks": 4, "change_window_weeks": 4}
VARIANTS = {
    "change_window_6": {"change_window_weeks": 6},
    "change_window_4": {"change_window_weeks": 4},
    "buckets_d4_b4_window_4": LARGE,
    "buckets_d6_b2": {"detail_weeks": 6, "bucket_weeks": 2},
}


def direct_solve(planner: CapacityPlanner) -> float:
    """Seconds for the solver's own API on the exact LP CVXPY last compiled (its data, no CVXPY)."""
    import cvxpy as cp

    assert planner.model is not None
    name = {"CLARABEL": cp.CLARABEL}.get(planner.solver, cp.HIGHS)
    data = planner.model.problem.get_problem_data(name)[0]
    a, b, c, dims = data["A"].tocsc(), data["b"], data["c"], data["dims"]
    if planner.solver == "CLARABEL":
        import clarabel
        import scipy.sparse as sp

        settings = clarabel.DefaultSettings()
        settings.verbose = False
        cones = [clarabel.ZeroConeT(dims.zero), clarabel.NonnegativeConeT(dims.nonneg)]
        started = time.perf_counter()
        clarabel.DefaultSolver(sp.csc_matrix((len(c), len(c))), c, a, b, cones, settings).solve()
        return time.perf_counter() - started
    import highspy

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    if planner.solver == "HIGHS_IPM":
        highs.setOptionValue("solver", "ipm")
        highs.setOptionValue("run_crossover", "off")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
    lp.col_cost_ = c
    lp.col_lower_, lp.col_upper_ = np.full(a.shape[1], -highspy.kHighsInf), np.full(a.shape[1], highspy.kHighsInf)
    lp.row_lower_ = np.concatenate([b[: dims.zero], np.full(dims.nonneg, -highspy.kHighsInf)])
    lp.row_upper_ = b
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    highs.passModel(lp)
    started = time.perf_counter()
    highs.run()
    return time.perf_counter() - started


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


def quality(problem: PlanningProblem, solver: str, reference: float) -> dict[str, Any]:
    """Each faster formulation's plan, costed with the full week-by-week objective, against the monolithic LP."""
    found = {}
    for name, change in VARIANTS.items():
        result, seconds = timed_solve(CapacityPlanner(solver), dataclasses.replace(problem, **change))  # type: ignore[arg-type]
        plan = plan_arrays(problem, result.hours)
        found[name] = {
            "gap_pct": round(100 * (plan.objective - reference) / reference, 3),
            # The gap is mostly backlog (weights 1-5 per unit-week against holding of cents): show its size.
            "late_unit_weeks_pct_of_demand": round(100 * plan.backlog.sum() / problem.demand.sum(), 3),
            "seconds": round(seconds, 3),
        }
    return found


def run_size(size: str, solver: str) -> dict[str, Any]:
    n_products, n_lines, n_weeks = SIZES[size]
    formulation = LARGE if size == "large" else {}
    plant = dataclasses.replace(synthetic_plant(n_products, n_lines, n_weeks, seed=0), **formulation)  # type: ignore[arg-type]
    plan_zero, _ = timed_solve(CapacityPlanner(solver), plant)  # the plan in force before the bench
    first_week = roll_week(plant, plan_zero.production, seed=1)
    planner = CapacityPlanner(solver)
    first, first_seconds = timed_solve(planner, first_week)
    next_week = roll_week(first_week, first.production, seed=2)
    replan, replan_seconds = timed_solve(planner, next_week)
    direct = direct_solve(planner)
    line: dict[str, Any] = {
        "bench": "solver",
        "size": size,
        "shape": f"{n_products}x{n_lines}x{n_weeks}",
        "routes": len(plant.route_product),
        "solver": solver,
        "formulation": replan.formulation,
        "settings": formulation,
        "cvxpy_build_compile_s": round(first.compile_seconds, 3),
        "first_solve_s": round(first.solve_seconds, 3),
        "first_end_to_end_s": round(first_seconds, 3),
        "resolve_compile_s": round(replan.compile_seconds, 4),
        "resolve_solve_s": round(replan.solve_seconds, 3),
        "weekly_replan_end_to_end_s": round(replan_seconds, 3),
        "direct_api_solve_s": round(direct, 3),
        "cvxpy_over_direct_ratio": round(replan_seconds / direct, 3),
        "cvxpy_overhead_pct_of_solve": round(100 * (replan_seconds - direct) / direct, 1),
        "status": replan.status,
        "objective": round(replan.objective, 3),
        "ctp_quotes_per_s": round(quotes_per_second(next_week, replan), 1),
    }
    if size != "large":  # the monolithic large LP takes minutes: its quality is measured on medium
        line["quality_vs_monolithic"] = quality(next_week, solver, replan.objective)
    if size == "medium":
        others = {}
        for other in ("CLARABEL", "HIGHS", "HIGHS_IPM"):
            _, seconds = timed_solve(CapacityPlanner(other), next_week)
            others[other] = round(seconds, 3)
        line["replan_s_by_solver"] = others
    line["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--solver", default="CLARABEL")
    parser.add_argument("--one", help="internal: run one size in this process")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.solver)), flush=True)
        return
    lines = []
    for size in args.sizes.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--one", size, "--solver", args.solver],
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
        targets["medium_replan_le_2s"] = medium["weekly_replan_end_to_end_s"] <= 2.0
        targets["medium_cvxpy_overhead_le_10pct"] = medium["cvxpy_overhead_pct_of_solve"] <= 10.0
        targets["medium_ctp_ge_1000_per_s"] = medium["ctp_quotes_per_s"] >= 1000
    if "large" in by_size:
        large = by_size["large"]
        targets["large_replan_le_30s"] = large["weekly_replan_end_to_end_s"] <= 30.0
        targets["large_under_4gb"] = large["peak_rss_mb"] < 4096
    print(json.dumps({"bench": "solver", "summary": True, "targets_met": targets}))


if __name__ == "__main__":
    main()
