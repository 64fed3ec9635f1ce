"""Capable-to-promise: promised dates hold when the order is inserted into the plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import CapableToPromise, CapacityPlanner, PlanningInputError, PlanningProblem, QuoteLine, promise_from_plan
from solver.result import PlanResult
from tests.unit.solver.checker import violations
from tests.unit.solver.plants import plants


def inserted(problem: PlanningProblem, plan: PlanResult, product: int, quantity: float, week: int, quote_line: object):
    """The plan with the promised order added: its hours on the product's routes and its demand."""
    production, hours = plan.production.copy(), plan.hours.copy()
    used = quote_line.consumption  # type: ignore[attr-defined]
    for line, w, h, rh in zip(used.line_index, used.week_index, used.hours, used.reserve_hours, strict=True):
        (route,) = np.flatnonzero((problem.route_product == product) & (problem.route_line == line))
        hours[route, w] += h + rh
        production[route, w] += (h + rh) * problem.route_rate[route]
    demand = problem.demand.copy()
    demand[product, week] += quantity
    new_problem = dataclasses.replace(problem, demand=demand)
    net = problem.initial_inventory - problem.initial_backlog
    made = np.zeros_like(demand)
    np.add.at(made, problem.route_product, production)
    net = net[:, None] + np.cumsum(made - demand, axis=1)
    loads = np.zeros_like(plan.overtime)
    np.add.at(loads, problem.route_line, hours)
    new_plan = dataclasses.replace(
        plan,
        production=production,
        hours=hours,
        inventory=np.maximum(net, 0),
        backlog=np.maximum(-net, 0),
        shortfall=np.maximum(problem.safety_stock[:, None] - np.maximum(net, 0), 0),
        overtime=np.maximum(loads - problem.capacity_hours * (1 - problem.reserve_share), plan.overtime),
    )
    return new_problem, new_plan


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plants(), st.data())
def test_promised_dates_are_feasible_when_the_order_is_inserted(problem: PlanningProblem, data: st.DataObject) -> None:
    plan = CapacityPlanner().solve(problem)
    ctp = promise_from_plan(problem, plan)
    product = data.draw(st.sampled_from(sorted(set(problem.route_product.tolist()))))
    quantity = data.draw(st.floats(1.0, 400.0))
    requested = data.draw(st.integers(0, len(problem.weeks) - 1))
    quote = ctp.quote([QuoteLine(product, quantity)], requested)
    (line,) = quote.lines
    if line.ready_week_index is None:
        assert line.limited_by == "capacity" and line.quantity_by_requested < quantity
        return
    new_problem, new_plan = inserted(problem, plan, product, quantity, line.ready_week_index, line)
    assert violations(new_problem, new_plan) == []
    # The order is made by its promise week and nobody else becomes late because of it.
    assert np.all(new_plan.backlog <= plan.backlog + 1e-6)
    assert (line.ready_week_index <= requested) == (line.limited_by == "")
    if line.ready_week_index > 0:  # earliest: a week earlier cannot hold the whole quantity
        earlier = ctp.quote([QuoteLine(product, quantity)], line.ready_week_index - 1)
        assert earlier.lines[0].quantity_by_requested < quantity
    # Without the reserve, no reserve hour is used; with it, never more than the reserve.
    assert line.consumption.reserve_hours.sum() == 0


def tiny_ctp(**extra: object) -> CapableToPromise:
    import datetime

    weeks = [datetime.date(2026, 3, 2) + datetime.timedelta(weeks=w) for w in range(3)]
    return CapableToPromise(
        weeks,
        ["A", "B"],
        route_product=np.array([0, 0, 1]),
        route_line=np.array([0, 1, 1]),
        route_rate=np.array([10.0, 5.0, 2.0]),
        residual_hours=np.array([[4.0, 4.0, 4.0], [2.0, 2.0, 2.0]]),
        reserve_hours=np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]),
        **extra,  # type: ignore[arg-type]
    )


def test_a_split_the_rush_reserve_and_reserve_release_round_trip() -> None:
    ctp = tiny_ctp()
    quote = ctp.quote([QuoteLine(0, 80.0)], requested=0)  # 50 units a week on A + B
    assert quote.lines[0].quantity_by_requested == pytest.approx(50.0)
    assert quote.lines[0].ready_week_index == 1 and not quote.fits_by_requested
    assert quote.rush_fits_by_requested is False  # reserve adds 15 units in week 0: 65 < 80
    rush = ctp.quote([QuoteLine(0, 60.0)], requested=0, use_reserve=True)
    assert rush.fits_by_requested and rush.consumption.reserve_hours.sum() > 0
    ctp.reserve(quote.consumption)
    assert ctp.residual[:, 0].sum() == pytest.approx(0.0)
    # Week 0 is gone and week 1 has 20 of its 50 units left: 30 more units are ready in week 2.
    assert ctp.quote([QuoteLine(0, 30.0)], 0).lines[0].ready_week_index == 2
    ctp.release(quote.consumption)
    assert ctp.residual[:, 0] == pytest.approx([4.0, 2.0])


def test_lines_of_one_order_share_capacity_and_materials_bound_the_quantity() -> None:
    bom = np.array([[1.0], [0.0]])  # product 0 needs one unit of material 0
    ctp = tiny_ctp(material_available=np.array([[20.0, 20.0, 100.0]]), bom=bom)
    quote = ctp.quote([QuoteLine(0, 30.0), QuoteLine(1, 4.0)], requested=1)
    first, second = quote.lines
    assert first.quantity_by_requested == pytest.approx(20.0) and first.limited_by == "material"
    assert first.ready_week_index == 2
    # Product 0 took 0.8 h of line B in week 0 (its share of 20 units), leaving 1.2 h = 2.4 units.
    assert second.consumption.hours[0] == pytest.approx(1.2) and second.ready_week_index == 1


def test_a_taken_promise_cannot_be_reserved_twice() -> None:
    ctp = tiny_ctp()
    quote = ctp.quote([QuoteLine(0, 50.0)], requested=0)
    ctp.reserve(quote.consumption)
    with pytest.raises(PlanningInputError, match="no longer free"):
        ctp.reserve(quote.consumption)
