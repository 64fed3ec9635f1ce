"""Weekly low / mid / high forecasts per sku: past weeks close to what was ordered, future weeks seasonal."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.columns import ColumnTable
from domain.demo.history import PlacedOrder
from domain.demo.plant import DemoPlant
from domain.demo.sizes import DemoSize
from domain.models import Base


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _submitted_at(week: date, now: datetime) -> datetime:
    """Sales submit on the Friday before the week; weeks further out carry the latest Friday's numbers."""
    friday = datetime.combine(week - timedelta(days=3), time(15, 0), tzinfo=UTC)
    if friday <= now:
        return friday
    latest = datetime.combine(now.date() - timedelta(days=(now.weekday() - 4) % 7), time(15, 0), tzinfo=UTC)
    return latest if latest <= now else latest - timedelta(days=7)


def ordered_by_week(plant: DemoPlant, placed: list[PlacedOrder]) -> dict[tuple[int, date], float]:
    """Quantity ordered per (product id, week of the requested date), rejected and cancelled orders aside."""
    totals: dict[tuple[int, date], float] = defaultdict(float)
    lines = plant.rows["order_lines"]
    for order in placed:
        if order.stage.status in ("REJECTED", "CANCELLED"):
            continue
        for line_id in order.line_ids:
            row = lines[line_id - 1]
            totals[(row["product_id"], monday_of(order.requested))] += row["quantity"]
    return totals


def add_forecasts(plant: DemoPlant, size: DemoSize, cat: Catalogue, placed: list[PlacedOrder],
                  rng: np.random.Generator) -> None:
    """One row per week and sku, computed a week-by-sku array at a time and kept as columns (104k rows on large)."""
    this_week = monday_of(plant.today)
    ordered = ordered_by_week(plant, placed)
    products = len(cat.product_sku)
    weekly_rate = np.zeros(products)
    for (product_id, _), quantity in ordered.items():
        weekly_rate[product_id - 1] += quantity
    weekly_rate /= size.history_days / 7
    weeks = [this_week + timedelta(weeks=k) for k in range(-size.forecast_weeks_back, size.forecast_weeks_ahead)]
    noise = rng.lognormal(0, 0.2, (len(weeks), products))
    spreads = rng.uniform(0, 1, (len(weeks), products, 2))
    season = np.array([[cat.seasonality(f, week) for f in range(len(cat.family_names))] for week in weeks])
    expected = weekly_rate * season[:, cat.product_family]
    actual = np.zeros((len(weeks), products))
    for (product_id, week), quantity in ordered.items():
        if this_week - timedelta(weeks=size.forecast_weeks_back) <= week < this_week:
            actual[(week - weeks[0]).days // 7, product_id - 1] = quantity
    # Past forecasts miss the real orders by ~20%; future ones follow the season.
    mid = np.where(actual != 0, actual, expected) * noise
    low, high = mid * (0.75 + 0.15 * spreads[..., 0]), mid * (1.1 + 0.25 * spreads[..., 1])
    tenths = [1] * mid.size  # Python's round(x, 1) (numpy's rounds x * 10, which differs at the last digit)
    rows = len(weeks) * products
    plant.rows["forecasts"] = ColumnTable(Base.metadata.tables["forecasts"], {
        "product_id": list(range(1, products + 1)) * len(weeks),
        "week": [week for week in weeks for _ in range(products)],
        "low": list(map(round, low.ravel().tolist(), tenths)),
        "mid": list(map(round, mid.ravel().tolist(), tenths)),
        "high": list(map(round, high.ravel().tolist(), tenths)),
        "submitted_at": [at for week in weeks for at in [_submitted_at(week, plant.now)] * products],
        "submitted_by": ["sales:forecast"] * rows})
