"""Property: the fast formulations never promise what the exact LP finds infeasible (same frozen weeks and reserve)."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import CapacityPlanner, PlanningProblem
from solver.planner import broken_promises
from tests.unit.solver.checker import plan_cost, violations
from tests.unit.solver.plants import plants, with_plan_in_force

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# (solver, changes to the problem, warm start from a solve of the week before); None: an exact formulation.
FAST = {
    "direct_simplex_warm": ("HIGHS_DIRECT", {}, True),
    "direct_simplex_cold": ("HIGHS_DIRECT", {}, False),
    "direct_ipm": ("HIGHS_DIRECT_IPM", {}, False),
    "buckets_d1_b2": ("HIGHS", {"detail_weeks": 1, "bucket_weeks": 2}, False),
}


def replan_with_promises(problem: PlanningProblem, overbook: float) -> PlanningProblem:
    """The week replanned behind a frozen window, with promises of up to `overbook` times what was planned:
    above 1 some line-weeks hold more promised hours than they can make."""
    in_force = CapacityPlanner("HIGHS").solve(problem)
    replan = with_plan_in_force(problem, in_force.production)
    return dataclasses.replace(replan, committed_hours=in_force.hours * overbook, promise_break_cost=50.0)


@SETTINGS
@given(plants(), st.sampled_from(sorted(FAST)), st.sampled_from([0.5, 1.0, 1.6]))
def test_a_fast_plan_is_feasible_for_the_exact_lp_and_never_cheaper(
    problem: PlanningProblem, name: str, overbook: float
) -> None:
    replan = replan_with_promises(problem, overbook)
    exact = CapacityPlanner("HIGHS").solve(replan)
    solver, change, warm = FAST[name]
    planner = CapacityPlanner(solver, warm_start=warm)
    if warm:
        planner.solve(dataclasses.replace(problem, **change))
    result = planner.solve(dataclasses.replace(replan, **change))
    assert result.status == exact.status == "optimal"
    if warm:
        assert planner.direct is not None and planner.direct.warm_started
    # Feasible for the exact LP: capacity net of the same reserve, overtime limits, stock balance.
    assert violations(replan, result) == []
    frozen = replan.frozen
    np.testing.assert_allclose(result.production[:, :frozen], exact.production[:, :frozen], rtol=1e-9, atol=1e-6)
    # Promises no line can hold stay broken: a line-week's hours beyond what it can make are never planned.
    limit, committed = replan.week_limit, np.asarray(replan.committed_hours)
    line = np.asarray(replan.route_line)
    over = np.zeros_like(limit)
    np.add.at(over, line, committed)
    broken = np.zeros_like(limit)
    np.add.at(broken, line, broken_promises(replan, result))
    unit_hours = np.zeros_like(limit)  # a lot short per route may be forgiven as rounding (planner.py)
    np.add.at(unit_hours, line, np.repeat((1.0 / replan.route_rate)[:, None], limit.shape[1], axis=1))
    excess = np.maximum(over - limit, 0.0)
    assert np.all(broken[:, frozen:] >= excess[:, frozen:] - unit_hours[:, frozen:] - 1e-6)
    # Never cheaper than the exact optimum (a cheaper plan would be one the exact LP finds infeasible),
    # and the exact formulations equal to it.
    exact_cost = plan_cost(replan, exact) + 50.0 * float(np.sum(np.maximum(committed - exact.hours, 0.0)))
    cost = plan_cost(replan, result) + 50.0 * float(np.sum(np.maximum(committed - result.hours, 0.0)))
    assert cost >= exact_cost - 1e-6 * (1.0 + abs(exact_cost))
    if not change:
        assert np.isclose(cost, exact_cost, rtol=1e-5, atol=1e-5)
