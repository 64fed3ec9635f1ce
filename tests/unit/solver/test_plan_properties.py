"""Property tests: every plan on random small plants satisfies the constraints, checked independently."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from solver import CapacityPlanner, PlanningProblem
from tests.unit.solver.checker import plan_cost, violations
from tests.unit.solver.plants import plants, with_plan_in_force

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(plants())
def test_every_plan_satisfies_the_constraints_and_its_reported_cost(problem: PlanningProblem) -> None:
    result = CapacityPlanner().solve(problem)
    assert result.status == "optimal", result.diagnostics
    assert violations(problem, result) == []
    assert np.isclose(result.objective, plan_cost(problem, result), rtol=1e-9, atol=1e-9)


@SETTINGS
@given(plants())
def test_frozen_work_never_moves_when_it_still_fits(problem: PlanningProblem) -> None:
    planner = CapacityPlanner()
    in_force = planner.solve(problem).production
    replan = with_plan_in_force(problem, in_force)
    result = planner.solve(replan)
    frozen = replan.frozen
    assert frozen >= 1
    np.testing.assert_allclose(result.production[:, :frozen], in_force[:, :frozen], rtol=1e-12, atol=1e-9)
    assert violations(replan, result) == []
    assert not [d for d in result.diagnostics if d.kind == "frozen_conflict"]


@SETTINGS
@given(plants())
def test_the_rush_reserve_is_never_planned(problem: PlanningProblem) -> None:
    result = CapacityPlanner().solve(problem)
    plannable_with_overtime = problem.capacity_hours * (1 - problem.reserve_share) + problem.overtime_max_hours
    assert np.all(result.loads.planned_hours <= plannable_with_overtime + 1e-6)
    np.testing.assert_allclose(result.loads.reserved_hours, problem.capacity_hours * problem.reserve_share)


@SETTINGS
@given(plants())
def test_a_product_without_a_line_is_named_as_late_for_that_reason(problem: PlanningProblem) -> None:
    result = CapacityPlanner().solve(problem)
    routeless = set(range(len(problem.products))) - set(problem.route_product.tolist())
    for product in routeless:
        if result.backlog[product].max() > 1e-6:
            (note,) = [d for d in result.diagnostics if d.product == product and d.kind == "no_route"]
            assert "no line is allowed to make it" in note.message


@SETTINGS
@given(plants())
def test_a_bucketed_horizon_still_gives_a_valid_week_by_week_plan(problem: PlanningProblem) -> None:
    import dataclasses

    bucketed = dataclasses.replace(problem, detail_weeks=1, bucket_weeks=2)
    result = CapacityPlanner().solve(bucketed)
    assert violations(bucketed, result) == []
    assert np.isclose(result.objective, plan_cost(bucketed, result), rtol=1e-9, atol=1e-9)
