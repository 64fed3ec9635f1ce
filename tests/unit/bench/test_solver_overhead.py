"""bench/solver_overhead.py: both paths plan the same weeks, each in a process of its own; the figure is the median."""

from __future__ import annotations

import statistics

from bench.solver_overhead import alternated_overhead, weekly_history
from solver.testing import synthetic_plant


def test_each_week_is_a_new_week_with_the_plan_before_it_in_force() -> None:
    history = weekly_history(synthetic_plant(20, 3, 6, seed=4), 3)
    assert len(history) == 4
    assert [h.weeks[0] for h in history] == sorted({h.weeks[0] for h in history})
    assert history[0].plan_in_force is None and all(h.plan_in_force is not None for h in history[1:])


def test_the_overhead_is_the_median_of_the_weekly_cpu_ratios() -> None:
    line = alternated_overhead(synthetic_plant(20, 3, 6, seed=4), "HIGHS", n_replans=3)
    cvxpy, direct = line["alternated_cvxpy_cpu_s"], line["alternated_direct_cpu_s"]
    assert len(cvxpy) == len(direct) == line["alternated_replans"] == 3
    assert all(seconds > 0 for seconds in cvxpy + direct)
    ratios = [100 * (c - d) / d for c, d in zip(cvxpy, direct, strict=True)]
    # The line rounds each figure to the millisecond; the median is taken on the unrounded ones.
    assert abs(line["cvxpy_overhead_pct_alternated_cpu"] - statistics.median(ratios)) < 30
