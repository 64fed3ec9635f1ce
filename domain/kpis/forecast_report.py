"""Forecast accuracy report (R14): WMAPE and bias per tier, by sku, family and week; the tier that was right."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CTE, ColumnElement, CompoundSelect, Date, String, and_, case, cast, func, null, select, union_all
from sqlalchemy.orm import Session

from domain.kpis.forecasts import TIERS, sku_weeks_select
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
    return ForecastAccuracyRow(sku, family, week, ordered, int(values.sku_weeks or 0), tiers, _best_tier(tiers))


def _best_tier(tiers: tuple[TierError, ...]) -> str | None:
    """The smallest WMAPE; WMAPEs equal but for float rounding (sums added in another order) are a tie,
    which goes to MID, then LOW, then HIGH, whatever order the database summed in."""
    scored = [(t.wmape, t.tier) for t in tiers if t.wmape is not None]
    if not scored:
        return None
    smallest = min(wmape for wmape, _ in scored)
    tied = {tier for wmape, tier in scored if math.isclose(wmape, smallest, rel_tol=1e-9, abs_tol=1e-12)}
    return next(tier for tier in ("MID", "LOW", "HIGH") if tier in tied)


def closest_tier(low: ColumnElement[float], mid: ColumnElement[float], high: ColumnElement[float],
                 actual: ColumnElement[float]) -> ColumnElement[str]:
    """The tier nearest to what was ordered; ties go to MID, then LOW, then HIGH."""
    low_off, mid_off, high_off = func.abs(low - actual), func.abs(mid - actual), func.abs(high - actual)
    return case(
        (and_(mid_off <= low_off, mid_off <= high_off), "MID"),
        (low_off <= high_off, "LOW"),
        else_="HIGH",
    )


def _sku_week_errors(period: Period) -> CTE:
    """Each sku-week's signed and absolute error per tier and its closest tier, worked out once."""
    rows = sku_weeks_select(period).subquery()
    columns: list[ColumnElement[Any]] = [rows.c.product_id, rows.c.week, rows.c.actual]
    for tier in TIERS:
        columns.append(func.abs(rows.c[tier] - rows.c.actual).label(f"{tier}_abs_error"))
        columns.append((rows.c[tier] - rows.c.actual).label(f"{tier}_error"))
    columns.append(closest_tier(rows.c.low, rows.c.mid, rows.c.high, rows.c.actual).label("closest"))
    return select(*columns).cte("sku_week_errors")


def _error_sums(errors: CTE) -> list[ColumnElement[Any]]:
    """The columns _row reads, summed over a group of sku-weeks, and how often each tier was the closest."""
    columns: list[ColumnElement[Any]] = [func.sum(errors.c.actual).label("actual"), func.count().label("sku_weeks")]
    for tier in TIERS:
        columns.append(func.sum(errors.c[f"{tier}_abs_error"]).label(f"{tier}_abs_error"))
        columns.append(func.sum(errors.c[f"{tier}_error"]).label(f"{tier}_error"))
        columns.append(func.sum(case((errors.c.closest == tier.upper(), 1), else_=0)).label(f"{tier}_closest"))
    return columns


def report_select(period: Period) -> CompoundSelect[Any]:
    """The error sums per sku (with its family) and per week, in one statement: the sku-weeks' errors are
    computed once (a CTE used twice is materialized by both databases) and grouped twice."""
    errors = _sku_week_errors(period)
    by_sku = (
        select(Product.sku, Product.family, cast(null(), Date).label("week"), *_error_sums(errors))
        .join(Product, Product.id == errors.c.product_id)
        .group_by(Product.id, Product.sku, Product.family)
    )
    by_week = select(cast(null(), String), cast(null(), String), errors.c.week, *_error_sums(errors))
    return union_all(by_sku, by_week.group_by(errors.c.week))


@dataclass
class _Sums:
    """Error sums of a family or of everything, added up from the per-sku rows (sums of sums)."""

    actual: float = 0.0
    low_abs_error: float = 0.0
    low_error: float = 0.0
    mid_abs_error: float = 0.0
    mid_error: float = 0.0
    high_abs_error: float = 0.0
    high_error: float = 0.0
    sku_weeks: int = 0

    def add(self, row: Any) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + (getattr(row, name) or 0))


def forecast_accuracy_report(session: Session, period: Period) -> ForecastAccuracyReport:
    """SQL groups the sku-weeks by sku and by week; families and the total are sums of the few sku rows."""
    by_sku: dict[tuple[str, str], Any] = {}
    by_week: dict[date, Any] = {}
    for row in session.execute(report_select(period)):
        if row.week is None:
            by_sku[row.sku, row.family] = row
        else:
            by_week[row.week] = row
    by_family: dict[str, _Sums] = defaultdict(_Sums)
    overall = _Sums()
    counts = {tier.upper(): 0 for tier in TIERS}
    for (_, family), row in by_sku.items():
        by_family[family].add(row)
        overall.add(row)
        for tier in TIERS:
            counts[tier.upper()] += int(getattr(row, f"{tier}_closest") or 0)
    return ForecastAccuracyReport(
        [_row(v, sku=k[0], family=k[1]) for k, v in sorted(by_sku.items())],
        [_row(v, family=k) for k, v in sorted(by_family.items())],
        [_row(v, week=k) for k, v in sorted(by_week.items())],
        _row(overall),
        counts,
    )
