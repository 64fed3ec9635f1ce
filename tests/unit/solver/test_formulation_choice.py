"""AUTO's choice by plant size, and the 'formulation' diagnostic naming what ran and its quality bound."""

from __future__ import annotations

import dataclasses

from solver import CapacityPlanner
from solver.choice import LARGE_ROUTE_WEEKS, auto_solver, detail_weeks_for
from solver.formulation import MEASURED_BUCKET_QUALITY
from solver.testing import roll_week, synthetic_plant


def test_auto_plans_large_plants_week_by_week_through_highs_directly() -> None:
    assert auto_solver(LARGE_ROUTE_WEEKS) == "HIGHS"
    assert auto_solver(LARGE_ROUTE_WEEKS + 1) == "HIGHS_DIRECT"
    assert detail_weeks_for("HIGHS_DIRECT", 10 * LARGE_ROUTE_WEEKS) is None
    assert detail_weeks_for("HIGHS", LARGE_ROUTE_WEEKS) is None
    # Through CVXPY the large exact LP takes minutes: there the horizon is bucketed after 4 weeks.
    assert detail_weeks_for("CLARABEL", LARGE_ROUTE_WEEKS + 1) == 4


def test_the_diagnostics_name_the_exact_direct_formulation_and_its_duality_gap() -> None:
    plant = synthetic_plant(40, 4, 8, seed=2)
    planner = CapacityPlanner("HIGHS_DIRECT")
    first = planner.solve(plant)
    result = planner.solve(roll_week(plant, first.production))
    assert planner.direct is not None and planner.direct.warm_started
    (note,) = [d for d in result.diagnostics if d.kind == "formulation"]
    assert result.formulation == "exact_direct"
    assert "exact week-by-week LP" in note.message and "duality gap of" in note.message
    assert planner.direct.duality_gap < 1e-6


def test_a_bucketed_plan_cites_its_measured_gap_against_the_exact_lp() -> None:
    plant = dataclasses.replace(synthetic_plant(40, 4, 12, seed=2), detail_weeks=4, bucket_weeks=4)
    result = CapacityPlanner("HIGHS").solve(plant)
    (note,) = [d for d in result.diagnostics if d.kind == "formulation"]
    gap, late = MEASURED_BUCKET_QUALITY[(4, 4)]
    assert result.formulation == "weekly+buckets"
    assert f"+{gap:.0f}% objective" in note.message and f"+{late:.2f} points" in note.message
