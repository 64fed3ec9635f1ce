"""Weekly low / mid / high forecasts per sku: past weeks close to what was ordered, future weeks seasonal."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.history import PlacedOrder
from domain.demo.plant import DemoPlant
from domain.demo.sizes import DemoSize


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
    this_week = monday_of(plant.today)
    ordered = ordered_by_week(plant, placed)
    weekly_rate = np.zeros(len(cat.product_sku))
    for (product_id, _), quantity in ordered.items():
        weekly_rate[product_id - 1] += quantity
    weekly_rate /= size.history_days / 7
    weeks = [this_week + timedelta(weeks=k) for k in range(-size.forecast_weeks_back, size.forecast_weeks_ahead)]
    noise = rng.lognormal(0, 0.2, (len(weeks), len(weekly_rate)))
    spreads = rng.uniform(0, 1, (len(weeks), len(weekly_rate), 2))
    # Plain floats and one seasonality per family and week: the same arithmetic, without numpy scalars.
    rate, family = weekly_rate.tolist(), cat.product_family.tolist()
    noise_, spreads_ = noise.tolist(), spreads.tolist()
    for w, week in enumerate(weeks):
        submitted = _submitted_at(week, plant.now)
        season = [cat.seasonality(f, week) for f in range(len(cat.family_names))]
        for p in range(len(rate)):
            expected = rate[p] * season[family[p]]
            actual = ordered.get((p + 1, week), 0.0) if week < this_week else 0.0
            # Past forecasts miss the real orders by ~20%; future ones follow the season.
            mid = (actual or expected) * noise_[w][p]
            low, high = spreads_[w][p]
            plant.add("forecasts", product_id=p + 1, week=week, low=round(mid * (0.75 + 0.15 * low), 1),
                      mid=round(mid, 1), high=round(mid * (1.1 + 0.25 * high), 1),
                      submitted_at=submitted, submitted_by="sales:forecast")
