"""Forecast accuracy report (R14): WMAPE and bias per tier, by sku, family and week; the tier that was right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from domain.kpis.forecasts import TIERS, error_sums, forecast_vs_orders
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


def _closest_tier(rows: Any) -> ColumnElement[str]:
    err = {tier: func.abs(rows.c[tier] - rows.c.actual) for tier in TIERS}
    return case(
        (and_(err["mid"] <= err["low"], err["mid"] <= err["high"]), "MID"),
        (err["low"] <= err["high"], "LOW"),
        else_="HIGH",
    )


def forecast_accuracy_report(session: Session, period: Period) -> ForecastAccuracyReport:
    rows = forecast_vs_orders(period)
    sums = error_sums(rows)
    joined = select(Product.sku, Product.family, *sums).join(Product, Product.id == rows.c.product_id)
    by_sku = [
        _row(r, sku=r.sku, family=r.family)
        for r in session.execute(joined.group_by(Product.sku, Product.family).order_by(Product.sku))
    ]
    family_q = select(Product.family, *sums).join(Product, Product.id == rows.c.product_id)
    by_family = [
        _row(r, family=r.family) for r in session.execute(family_q.group_by(Product.family).order_by(Product.family))
    ]
    by_week = [
        _row(r, week=r.week)
        for r in session.execute(select(rows.c.week, *sums).group_by(rows.c.week).order_by(rows.c.week))
    ]
    overall = _row(session.execute(select(*sums)).one())
    closest = _closest_tier(rows).label("tier")
    counts = {tier.upper(): 0 for tier in TIERS}
    for tier, n in session.execute(select(closest, func.count()).group_by(closest)):
        counts[str(tier)] = int(n)
    return ForecastAccuracyReport(by_sku, by_family, by_week, overall, counts)
