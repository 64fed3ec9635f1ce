"""The LP keeps the promises the ledger holds (committed_hours) and names the ones it cannot keep."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np

from solver import CapacityPlanner, PlanningProblem


def two_products(committed: float, capacity: float = 40.0) -> PlanningProblem:
    """One line, two products, two weeks. Product B's demand is worth 10x product A's per unit late, yet A's
    order holds `committed` hours in week 0 (it was promised before B's demand came)."""
    return PlanningProblem(
        weeks=[datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)],
        products=["A", "B"],
        lines=["L1"],
        route_product=np.array([0, 1]),
        route_line=np.array([0, 0]),
        route_rate=np.array([1.0, 1.0]),
        capacity_hours=np.array([[capacity, capacity]]),
        overtime_max_hours=np.zeros((1, 2)),
        demand=np.array([[30.0, 0.0], [40.0, 0.0]]),
        initial_inventory=np.zeros(2),
        initial_backlog=np.zeros(2),
        safety_stock=np.zeros(2),
        holding_cost=np.full(2, 0.01),
        backlog_weight=np.array([[1.0, 1.0], [10.0, 10.0]]),
        reserve_share=0.0,
        committed_hours=np.array([[committed, 0.0], [0.0, 0.0]]),
        promise_break_cost=2.0 * 2 * 10.0,  # domain/planning/snapshot.py promise_break_cost
    )


def test_a_promised_order_keeps_its_hours_against_more_valuable_demand() -> None:
    """Input: 30 h promised to A in week 0 on a 40 h line; B's 40 units are worth 10x more late."""
    without = CapacityPlanner("HIGHS").solve(dataclasses.replace(two_products(30.0), committed_hours=None))
    assert without.hours[0, 0] < 30.0 - 1e-6  # the old LP gave A's promised hours to B
    kept = CapacityPlanner("HIGHS").solve(two_products(30.0))
    assert kept.hours[0, 0] >= 30.0 - 1e-6
    assert not [d for d in kept.diagnostics if d.kind == "broken_promise"]


def test_a_promise_the_line_cannot_make_is_named() -> None:
    """Input: 30 h promised in week 0, but an incident left the line 20 h that week."""
    problem = two_products(30.0)
    problem.capacity_hours[0, 0] = 20.0
    result = CapacityPlanner("HIGHS").solve(problem)
    assert result.hours[0, 0] >= 20.0 - 1e-6  # all the hours there are go to the promise
    broken = [d for d in result.diagnostics if d.kind == "broken_promise"]
    assert len(broken) == 1 and broken[0].week == 0 and broken[0].product == 0
    assert "A on L1 in week 2026-03-02: 10.0 of the promised hours" in broken[0].message


def test_rush_orders_holding_reserve_hours_are_plannable() -> None:
    """Input: a 25% reserve of which rush orders hold 5 h: the plan may use those 5 h (the orders are made)."""
    problem = dataclasses.replace(two_products(0.0), reserve_share=0.25,
                                  reserve_used_hours=np.array([[5.0, 0.0]]))
    assert problem.effective_capacity[0, 0] == 35.0 and problem.effective_capacity[0, 1] == 30.0


def test_less_than_a_unit_short_is_rounding_not_a_broken_promise() -> None:
    """Input: 20.6 h promised to A (1 unit an hour) on a line with 20 h that week: 0.6 h short is less
    than a unit, the rounding of a whole-unit plan in force (the demo's replan named three such orders,
    0.0-0.1 h short). At 4 units an hour a unit is 0.25 h, and 0.6 h short is a broken promise."""
    problem = two_products(20.6)
    problem.capacity_hours[0, 0] = 20.0
    result = CapacityPlanner("HIGHS").solve(problem)
    assert result.hours[0, 0] >= 20.0 - 1e-6
    assert not [d for d in result.diagnostics if d.kind == "broken_promise"]
    quick = dataclasses.replace(problem, route_rate=np.array([4.0, 4.0]))
    result = CapacityPlanner("HIGHS").solve(quick)
    assert [d.product for d in result.diagnostics if d.kind == "broken_promise"] == [0]
