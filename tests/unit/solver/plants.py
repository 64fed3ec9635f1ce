"""Random small plants for property tests (a hypothesis strategy built on a seeded generator)."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
from hypothesis import strategies as st

from solver import PlanningProblem


def small_plant(seed: int, n_products: int, n_lines: int, n_weeks: int, load: float) -> PlanningProblem:
    rng = np.random.default_rng(seed)
    route_product, route_line = [], []
    for p in range(n_products):
        # Product 0 may have no line at all, to exercise the no-route diagnostic.
        count = int(rng.integers(0 if p == 0 and n_products > 1 else 1, n_lines + 1))
        for line in sorted(rng.choice(n_lines, size=count, replace=False).tolist()):
            route_product.append(p)
            route_line.append(line)
    rate = rng.uniform(2.0, 20.0, len(route_product))
    capacity = rng.uniform(20.0, 60.0, (n_lines, n_weeks))
    capacity[rng.random((n_lines, n_weeks)) < 0.15] = 0.0  # line closed that week
    demand = rng.uniform(0.0, 1.0, (n_products, n_weeks)) * load * capacity.sum() * 8.0 / (n_products * n_weeks)
    return PlanningProblem(
        weeks=[datetime.date(2026, 3, 2) + datetime.timedelta(weeks=w) for w in range(n_weeks)],
        products=[f"P{p}" for p in range(n_products)],
        lines=[f"L{line}" for line in range(n_lines)],
        route_product=np.array(route_product, dtype=np.int64),
        route_line=np.array(route_line, dtype=np.int64),
        route_rate=rate,
        capacity_hours=capacity,
        overtime_max_hours=rng.uniform(0.0, 8.0, (n_lines, n_weeks)),
        demand=demand,
        initial_inventory=rng.uniform(0.0, 30.0, n_products),
        initial_backlog=np.where(rng.random(n_products) < 0.3, rng.uniform(0.0, 20.0, n_products), 0.0),
        safety_stock=rng.uniform(0.0, 20.0, n_products),
        holding_cost=rng.uniform(0.01, 0.2, n_products),
        backlog_weight=rng.uniform(0.5, 5.0, (n_products, n_weeks)),
        reserve_share=float(rng.uniform(0.0, 0.2)),
        overtime_cost=float(rng.uniform(0.5, 5.0)),
        safety_shortfall_cost=float(rng.uniform(0.0, 1.0)),
        frozen_weeks=int(rng.integers(1, 3)),
        change_penalty=float(rng.uniform(0.0, 0.5)),
    )


@st.composite
def plants(draw: st.DrawFn) -> PlanningProblem:
    return small_plant(
        seed=draw(st.integers(0, 2**31)),
        n_products=draw(st.integers(1, 6)),
        n_lines=draw(st.integers(1, 3)),
        n_weeks=draw(st.integers(2, 5)),
        load=draw(st.sampled_from([0.3, 0.8, 1.5])),
    )


def with_plan_in_force(problem: PlanningProblem, production: np.ndarray) -> PlanningProblem:
    """The same week replanned with `production` in force (so its frozen part fits by construction)."""
    return dataclasses.replace(problem, plan_in_force=production.copy(), demand=problem.demand * 1.1)
