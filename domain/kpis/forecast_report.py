"""Forecast accuracy report (R14): WMAPE and bias per tier, by sku, family and week; the tier that was right."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kpis.forecasts import TIERS, forecast_vs_orders
from domain.kpis.period import Period
from domain.models import Product


@dataclass(frozen=True)
class TierError:
    """WMAPE = sum |tier - ordered| / sum ordered; bias = sum (tier - ordered) / sum ordered (> 0: over-forecast)."""

    tier: str
    wmape: float | None
    bias: float | None


@dataclass(frozen=True)
class ForecastAccuracyRow:
    """One group (a sku, a family or a week): ordered quantity and each tier's error."""

    sku: str | None
    family: str | None
    week: date | None
    ordered: float
    sku_weeks: int
    tiers: tuple[TierError, ...]
    best_tier: str | None  # the tier with the smallest WMAPE (ties: MID, then LOW, then HIGH)


@dataclass(frozen=True)
class ForecastAccuracyReport:
    by_sku: list[ForecastAccuracyRow]
    by_family: list[ForecastAccuracyRow]
    by_week: list[ForecastAccuracyRow]
    overall: ForecastAccuracyRow
    closest_tier_counts: dict[str, int]  # sku-weeks on which each tier was the closest


def _row(
    values: Any, sku: str | None = None, family: str | None = None, week: date | None = None
) -> ForecastAccuracyRow:
    ordered = float(values.actual or 0)
    tiers = tuple(
        TierError(
            tier.upper(),
            float(getattr(values, f"{tier}_abs_error") or 0) / ordered if ordered else None,
            float(getattr(values, f"{tier}_error") or 0) / ordered if ordered else None,
        )
        for tier in TIERS
    )
    scored = [t for t in tiers if t.wmape is not None]
    preference = {"MID": 0, "LOW": 1, "HIGH": 2}
    best = min(scored, key=lambda t: (t.wmape, preference[t.tier])).tier if scored else None
    return ForecastAccuracyRow(sku, family, week, ordered, int(values.sku_weeks or 0), tiers, best)


def _closest(low: float, mid: float, high: float, actual: float) -> str:
    errors = {"MID": abs(mid - actual), "LOW": abs(low - actual), "HIGH": abs(high - actual)}
    return min(errors, key=lambda tier: (errors[tier], ("MID", "LOW", "HIGH").index(tier)))


@dataclass
class _Sums:
    """Running error sums of one group, shaped like the columns _row reads."""

    actual: float = 0.0
    low_abs_error: float = 0.0
    low_error: float = 0.0
    mid_abs_error: float = 0.0
    mid_error: float = 0.0
    high_abs_error: float = 0.0
    high_error: float = 0.0
    sku_weeks: int = 0

    def add(self, low: float, mid: float, high: float, actual: float) -> None:
        self.actual += actual
        for tier, value in (("low", low), ("mid", mid), ("high", high)):
            setattr(self, f"{tier}_abs_error", getattr(self, f"{tier}_abs_error") + abs(value - actual))
            setattr(self, f"{tier}_error", getattr(self, f"{tier}_error") + value - actual)
        self.sku_weeks += 1


def forecast_accuracy_report(session: Session, period: Period) -> ForecastAccuracyReport:
    """One SQL pass gives the sku-weeks (forecast and ordered quantity, already aggregated from the order
    lines); the groups by sku, family and week are sums over those few thousand rows."""
    rows = forecast_vs_orders(period)
    query = select(Product.sku, Product.family, rows.c.week, rows.c.low, rows.c.mid, rows.c.high, rows.c.actual).join(
        Product, Product.id == rows.c.product_id
    )
    by_sku: dict[tuple[str, str], _Sums] = defaultdict(_Sums)
    by_family: dict[str, _Sums] = defaultdict(_Sums)
    by_week: dict[date, _Sums] = defaultdict(_Sums)
    overall = _Sums()
    counts = {tier.upper(): 0 for tier in TIERS}
    for sku, family, week, low, mid, high, actual in session.execute(query):
        values = (float(low), float(mid), float(high), float(actual))
        for sums in (by_sku[sku, family], by_family[family], by_week[week], overall):
            sums.add(*values)
        counts[_closest(*values)] += 1
    return ForecastAccuracyReport(
        [_row(v, sku=k[0], family=k[1]) for k, v in sorted(by_sku.items())],
        [_row(v, family=k) for k, v in sorted(by_family.items())],
        [_row(v, week=k) for k, v in sorted(by_week.items())],
        _row(overall),
        counts,
    )
