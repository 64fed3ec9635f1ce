"""The simulated world is the seed's alone, its forecasts err as stated, and the baselines schedule as named."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np

from domain.demo import generate_plant, size_named
from domain.simulation.baselines import run_baseline
from domain.simulation.outcomes import weekly
from domain.simulation.plant import PlantModel, plant_model
from domain.simulation.report import JSON_KEYS
from domain.simulation.world import FORECAST_SIGMA, LEAD_DAYS, RUSH_SHARE, World, build_world

START = date(2027, 1, 4)


@cache
def _plant() -> PlantModel:
    return plant_model(generate_plant(size_named("small"), 1, START - timedelta(days=2)))


@cache
def _world(seed: int = 1, weeks: int = 12) -> World:
    return build_world(_plant(), seed, START, weeks)


def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    again = build_world(_plant(), 1, START, 12)
    assert again.orders == _world().orders and again.failures == _world().failures
    assert np.array_equal(again.forecast, _world().forecast) and np.array_equal(again.yields, _world().yields)
    assert build_world(_plant(), 2, START, 12).orders != _world().orders


def test_the_mid_forecast_errs_as_stated_and_low_high_bound_80_percent() -> None:
    world = build_world(_plant(), 3, START, 26)
    truth = world.demand_mean  # [week, product]: the mean the forecasts estimate
    forecast = world.forecast[:, :, 0, :]  # issued on the Friday before week w for week w: [week, product, tier]
    relative = forecast[:, :, 1] / truth - 1
    assert abs(relative.std() - (FORECAST_SIGMA[0] + FORECAST_SIGMA[1])) < 0.02
    inside = (forecast[:, :, 0] <= truth) & (truth <= forecast[:, :, 2])
    assert 0.74 <= inside.mean() <= 0.86


def test_orders_have_tiered_lead_times_and_rush_orders_a_cause() -> None:
    orders = _world().orders
    rush = [o for o in orders if o.rush]
    assert abs(len(rush) / len(orders) - RUSH_SHARE) < 0.03
    assert {o.rush_cause for o in rush} == {"DEMAND_ABOVE_FORECAST", "CUSTOMER_CHANGE", "INTERNAL"}
    assert all((o.requested - o.day).days < 3 for o in rush)
    for o in orders:
        if not o.rush:
            low, high = LEAD_DAYS[o.tier]
            assert low <= (o.requested - o.day).days < high
    assert all(o.day.weekday() < 5 for o in orders)


def test_naive_releases_monthly_and_edd_at_once() -> None:
    naive, edd = run_baseline("naive", _plant(), _world()), run_baseline("edd", _plant(), _world())
    made = [f for f in naive.fates.values() if f.shipped and f.from_stock < f.order.quantity]
    # Made to order under a monthly plan: nothing made for an order ships in the month it arrived.
    assert made and all((f.shipped.year, f.shipped.month) > (f.order.day.year, f.order.day.month) for f in made)
    late = [sum(1 for f in t.fates.values() if f.shipped is None or f.shipped > f.order.requested)
            for t in (naive, edd)]
    assert late[1] < late[0]
    for tally in (naive, edd):
        assert all(h <= tally.open_hours[key] + 1e-6 for key, h in tally.made_hours.items())


def test_every_outcome_has_a_weekly_series() -> None:
    series = weekly(run_baseline("edd", _plant(), _world()))
    assert set(JSON_KEYS) - {"inventory_turns"} <= set(series)
    assert {"rush_on_time", "rejected", "proposed", "stock_value", "utilisation"} <= set(series)
    assert all(len(values) == _world().weeks for values in series.values())
