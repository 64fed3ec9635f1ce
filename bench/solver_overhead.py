"""CVXPY's overhead over HiGHS's own API: the same weekly replans, alternated, each path in a process of its own.

bench/solver.py's single figures compare one CVXPY replan with one own-API replan timed after it in the same
process (which then inherits the heap the CVXPY solve grew, so it pays no page faults) or in another process at
another moment; on a shared 2-core machine one CPU figure swings by 10-30 %, more than the 10 % being judged.
Here two worker processes plan the same history (two weeks, untimed) and then the same `n` new weeks, each the
first solve of its week in its process as in the service; the parent times them in turn, alternating which path
goes first, and reports the median of the per-week CPU ratios.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from solver import CapacityPlanner, PlanningProblem
from solver.testing import roll_week

_planner: CapacityPlanner | None = None  # one per worker process, kept between weeks as the service keeps it


def plan_in_worker(problem: PlanningProblem, solver: str) -> float:
    """In a worker: plan one week with this process's planner; CPU seconds of the process (all threads)."""
    global _planner
    if _planner is None:
        _planner = CapacityPlanner(solver, warm_start=False)
    cpu = time.process_time()
    _planner.solve(problem)
    return time.process_time() - cpu


def weekly_history(plant: PlanningProblem, n_weeks: int) -> list[PlanningProblem]:
    """The plant and `n_weeks` rolls after it, each with the plan of the week before in force."""
    planner = CapacityPlanner("HIGHS_DIRECT", warm_start=False)
    history = [plant]
    for seed in range(1, n_weeks + 1):
        history.append(roll_week(history[-1], planner.solve(history[-1]).production, seed=seed))
    return history


def alternated_overhead(plant: PlanningProblem, solver: str, n_replans: int = 6) -> dict[str, Any]:
    """CPU seconds of `n_replans` weekly replans through `solver` (CVXPY) and HIGHS_DIRECT (cold), alternated."""
    history = weekly_history(dataclasses.replace(plant), n_replans + 1)
    spawn = multiprocessing.get_context("spawn")
    paths = {"cvxpy": solver, "direct": "HIGHS_DIRECT"}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    with ProcessPoolExecutor(1, mp_context=spawn) as first, ProcessPoolExecutor(1, mp_context=spawn) as second:
        pools = {"cvxpy": first, "direct": second}
        for problem in history[:2]:  # the history before the timed weeks: compile, first plan in force
            for name, pool in pools.items():
                pool.submit(plan_in_worker, problem, paths[name]).result()
        for week, problem in enumerate(history[2:]):
            order = list(paths) if week % 2 == 0 else list(reversed(paths))
            for name in order:
                cpu[name].append(pools[name].submit(plan_in_worker, problem, paths[name]).result())
    overheads = [100 * (c - d) / d for c, d in zip(cpu["cvxpy"], cpu["direct"], strict=True)]
    return {
        "alternated_replans": n_replans,
        "alternated_cvxpy_cpu_s": [round(x, 3) for x in cpu["cvxpy"]],
        "alternated_direct_cpu_s": [round(x, 3) for x in cpu["direct"]],
        "cvxpy_overhead_pct_alternated_cpu": round(statistics.median(overheads), 1),
        "cvxpy_overhead_pct_alternated_cpu_sum": round(100 * (sum(cpu["cvxpy"]) / sum(cpu["direct"]) - 1), 1),
    }
