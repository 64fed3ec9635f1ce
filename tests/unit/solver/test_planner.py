"""The planner: DPP reuse, solvers agree, incidents in the frozen window, input errors in words."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from solver import CapacityPlanner, PlanningInputError, elastic_capacity, scenarios
from solver.testing import roll_week, synthetic_plant
from tests.unit.solver.checker import violations


def test_the_model_is_dpp_and_a_rolled_week_reuses_the_compiled_problem() -> None:
    planner = CapacityPlanner()
    first = planner.solve(synthetic_plant(30, 4, 8, seed=3))
    rolled = roll_week(synthetic_plant(30, 4, 8, seed=3), first.production)
    planner.solve(rolled)
    model = planner.model
    assert model is not None and model.problem.is_dpp()
    second = planner.solve(roll_week(rolled, first.production, seed=2))
    assert planner.model is model  # same structure: no rebuild
    assert second.compile_seconds < 0.5


def test_clarabel_and_highs_agree_on_the_objective() -> None:
    plant = synthetic_plant(50, 5, 13, seed=7)
    plan = CapacityPlanner("CLARABEL").solve(plant)
    rolled = roll_week(plant, plan.production)
    objectives = {name: CapacityPlanner(name).solve(rolled).objective for name in ("CLARABEL", "HIGHS")}
    assert objectives["CLARABEL"] == pytest.approx(objectives["HIGHS"], rel=1e-4)


def test_the_direct_lp_plans_and_prices_capacity_as_the_cvxpy_one() -> None:
    plant = synthetic_plant(60, 5, 10, seed=3, load=1.1)  # overloaded: many line-weeks have a price
    cvxpy_plan, direct_plan = CapacityPlanner("HIGHS").solve(plant), CapacityPlanner("HIGHS_DIRECT").solve(plant)
    assert direct_plan.objective == pytest.approx(cvxpy_plan.objective, rel=1e-7)
    assert (cvxpy_plan.loads.shadow_price > 1e-6).sum() > 10
    np.testing.assert_allclose(direct_plan.loads.shadow_price, cvxpy_plan.loads.shadow_price, rtol=1e-6, atol=1e-6)


def test_an_incident_inside_the_frozen_window_is_named_and_the_rest_of_the_plan_holds() -> None:
    plant = synthetic_plant(40, 4, 6, seed=1)
    plan = CapacityPlanner().solve(plant)
    busiest = int(np.argmax(plan.loads.planned_hours[:, 0]))
    capacity = plant.capacity_hours.copy()
    capacity[busiest, 0] *= 0.1  # a breakdown in the frozen week
    replan = dataclasses.replace(plant, plan_in_force=plan.production, capacity_hours=capacity)
    result = CapacityPlanner().solve(replan)
    assert result.status == "degraded"
    (conflict,) = [d for d in result.diagnostics if d.kind == "frozen_conflict"]
    assert conflict.line == busiest and conflict.week == 0
    assert plant.lines[busiest] in conflict.message and "frozen" in conflict.message
    assert violations(replan, result) == []
    other_lines = plant.route_line != busiest
    np.testing.assert_allclose(result.production[other_lines, 0], plan.production[other_lines, 0], atol=1e-9)


def test_an_unknown_solver_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="GUROBI"):
        CapacityPlanner("GUROBI")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"demand": np.zeros((3, 2))}, "demand has shape"),
        ({"route_rate": np.array([0.0, 1.0, 1.0, 1.0])}, "has a rate <= 0"),
        ({"route_line": np.array([0, 0, 1, 9])}, "route_line holds an index"),
        ({"initial_inventory": np.array([1.0, -1.0, 0.0])}, "initial_inventory is negative at index"),
        ({"reserve_share": 1.0}, "reserve_share"),
    ],
)
def test_bad_input_names_the_input(change: dict[str, object], message: str) -> None:
    plant = synthetic_plant(3, 2, 4, seed=0)
    plant = dataclasses.replace(
        plant,
        route_product=np.array([0, 1, 1, 2]),
        route_line=np.array([0, 0, 1, 1]),
        route_rate=np.ones(4),
    )
    with pytest.raises(PlanningInputError, match=message):
        CapacityPlanner().solve(dataclasses.replace(plant, **change))  # type: ignore[arg-type]


def test_scenarios_show_more_elastic_capacity_for_the_high_forecast() -> None:
    plant = synthetic_plant(40, 4, 8, seed=5)
    tiers = {"low": plant.demand * 0.7, "mid": plant.demand, "high": plant.demand * 1.4}
    results = scenarios(CapacityPlanner(), plant, tiers)
    need = {name: elastic_capacity(plant, result) for name, result in results.items()}
    assert need["low"].overtime_hours.sum() <= need["high"].overtime_hours.sum()
    assert need["low"].late_hours.sum() <= need["mid"].late_hours.sum() <= need["high"].late_hours.sum()
    assert need["high"].late_hours.sum() > 0
