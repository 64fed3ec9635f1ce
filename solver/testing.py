"""Synthetic plants for tests and benchmarks, deterministic from a seed."""

from __future__ import annotations

import datetime

import numpy as np

from solver.problem import PlanningProblem

MONDAY = datetime.date(2026, 1, 5)


def synthetic_plant(
    n_products: int,
    n_lines: int,
    n_weeks: int,
    seed: int = 0,
    load: float = 0.9,
    family_size: int = 20,
) -> PlanningProblem:
    """A plant whose demand needs about `load` of its plannable hours, with families of products
    sharing 2-4 lines each and 1-3 lines per product, seasonal demand and a few incidents."""
    rng = np.random.default_rng(seed)
    n_families = max(1, n_products // family_size)
    family = np.sort(rng.integers(0, n_families, n_products))
    family_lines = [
        rng.choice(n_lines, size=min(n_lines, int(rng.integers(2, 5))), replace=False) for _ in range(n_families)
    ]
    route_product, route_line = [], []
    for product in range(n_products):
        allowed = family_lines[family[product]]
        count = min(len(allowed), int(rng.integers(1, 4)))
        for line in np.sort(rng.choice(allowed, size=count, replace=False)):
            route_product.append(product)
            route_line.append(int(line))
    rp, rl = np.array(route_product), np.array(route_line)
    rate = rng.uniform(5.0, 60.0, len(rp)).round(1)
    capacity = np.full((n_lines, n_weeks), 120.0)
    incidents = rng.random((n_lines, n_weeks)) < 0.05
    capacity[incidents] *= rng.uniform(0.3, 0.8, int(incidents.sum()))
    season = 1.0 + 0.25 * np.sin(np.arange(n_weeks) / 13.0 * 2 * np.pi)
    base = rng.gamma(2.0, 1.0, n_products)
    demand = base[:, None] * season[None, :] * rng.uniform(0.7, 1.3, (n_products, n_weeks))
    # Scale demand so that making it at the average route rate needs `load` of the plannable hours.
    routes_per_product = np.maximum(np.bincount(rp, minlength=n_products), 1)
    mean_rate = np.bincount(rp, weights=rate, minlength=n_products) / routes_per_product
    hours_needed = (demand / np.maximum(mean_rate, 1e-9)[:, None]).sum()
    demand *= load * capacity.sum() * 0.88 / hours_needed
    demand = demand.round(1)
    priority = rng.choice([1.0, 2.0, 5.0], n_products, p=[0.6, 0.3, 0.1])
    return PlanningProblem(
        weeks=[MONDAY + datetime.timedelta(weeks=w) for w in range(n_weeks)],
        products=[f"SKU-{p:05d}" for p in range(n_products)],
        lines=[f"L{l_idx:02d}" for l_idx in range(n_lines)],
        route_product=rp,
        route_line=rl,
        route_rate=rate,
        capacity_hours=capacity,
        overtime_max_hours=np.full((n_lines, n_weeks), 16.0),
        demand=demand,
        initial_inventory=(demand[:, 0] * rng.uniform(0.0, 1.5, n_products)).round(1),
        initial_backlog=np.where(rng.random(n_products) < 0.1, demand[:, 0] * 0.5, 0.0).round(1),
        safety_stock=(demand.mean(axis=1) * rng.choice([0.0, 0.5], n_products)).round(1),
        holding_cost=rng.uniform(0.01, 0.05, n_products).round(3),
        backlog_weight=np.repeat(priority[:, None], n_weeks, axis=1),
        reserve_share=0.12,
        overtime_cost=2.0,
        safety_shortfall_cost=0.3,
        families=[f"F{f:03d}" for f in family],
    )


def roll_week(problem: PlanningProblem, plan: np.ndarray, seed: int = 1) -> PlanningProblem:
    """The next weekly replan: weeks shift by one, the plan in force is last week's plan shifted,
    demand gets a new last week and some noise, stock moves on by the first week's plan."""
    rng = np.random.default_rng(seed)
    n_weeks = len(problem.weeks)
    shift = lambda a: np.concatenate([a[:, 1:], a[:, -1:]], axis=1)  # noqa: E731
    demand = shift(np.asarray(problem.demand)) * rng.uniform(0.9, 1.1, problem.demand.shape)
    made = np.zeros(len(problem.products))
    np.add.at(made, problem.route_product, plan[:, 0])
    net = problem.initial_inventory - problem.initial_backlog + made - problem.demand[:, 0]
    previous = np.concatenate([plan[:, 1:], np.zeros((plan.shape[0], 1))], axis=1)
    return PlanningProblem(
        **{
            **problem.__dict__,
            "weeks": [w + datetime.timedelta(weeks=1) for w in problem.weeks],
            "demand": demand.round(1),
            "capacity_hours": shift(np.asarray(problem.capacity_hours)),
            "initial_inventory": np.maximum(net, 0.0),
            "initial_backlog": np.maximum(-net, 0.0),
            "plan_in_force": previous,
            "plan_in_force_weeks": n_weeks - 1,
        }
    )
