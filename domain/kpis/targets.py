"""Target breakdown (R1, R2): an annual revenue target as quarterly volumes per family, checked against capacity.

Capacity check by aggregation (documented, not an LP): a family's units go to the lines routed for it in
proportion to their weekly hours; a line-quarter has weekly hours x 13 x (1 - rush reserve share). Where
the hours needed exceed it, the gap is reported, and every family using that line-quarter is scaled down
by the line's capacity / need (the tightest of its lines), which gives the target capped at capacity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from domain import bounds
from domain.errors import InvalidInput
from domain.kpis.target_inputs import (
    forecast_by_family_quarter,
    line_weekly_hours,
    routes_by_family,
    sales_by_family_quarter,
)

WEEKS_PER_QUARTER = 13
QUARTERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class MixTarget:
    """A family's own growth, in one quarter or (quarter None) all year, e.g. +30% of family A in Q2."""

    family: str
    growth: float
    quarter: int | None = None


@dataclass(frozen=True)
class FamilyQuarterTarget:
    family: str
    quarter: int
    last_year_revenue: float
    growth: float
    revenue: float
    volume: float  # units at last year's mean price of the family in that quarter
    forecast_volume: float | None  # mid forecast for the quarter, when sales have forecast it
    capped_volume: float
    capped_revenue: float


@dataclass(frozen=True)
class CapacityGap:
    line_code: str
    quarter: int
    capacity_hours: float
    needed_hours: float
    short_hours: float


@dataclass(frozen=True)
class TargetPlan:
    year: int
    last_year_revenue: float
    target_revenue: float
    capped_revenue: float
    targets: list[FamilyQuarterTarget]
    gaps: list[CapacityGap]


def _growths(cells: Mapping[tuple[str, int], float], goal: float, mix: list[MixTarget]) -> dict[tuple[str, int], float]:
    """Mix cells keep their growth; the others share one growth that makes the year reach the goal."""
    fixed: dict[tuple[str, int], float] = {}
    for item in mix:
        if item.quarter not in (None, *QUARTERS):
            raise InvalidInput(f"mix: quarter must be 1-4, got {item.quarter}", ["mix", item.family, "quarter"])
        keys = [k for k in cells if k[0] == item.family and item.quarter in (None, k[1])]
        if not keys:
            raise InvalidInput(f"mix: family {item.family!r} sold nothing last year", ["mix", item.family])
        fixed.update(dict.fromkeys(keys, item.growth))
    rest = sum(v for k, v in cells.items() if k not in fixed)
    fixed_revenue = sum(cells[k] * (1 + g) for k, g in fixed.items())
    rest_growth = (goal - fixed_revenue) / rest - 1 if rest > 0 else 0.0
    return {k: fixed.get(k, rest_growth) for k in cells}


def plan_targets(
    session: Session, year: int, revenue_growth: float, mix: list[MixTarget] | None = None, reserve_share: float = 0.12
) -> TargetPlan:
    """Break last year's revenue x (1 + revenue_growth) into family-quarter volumes and check capacity."""
    if not bounds.EARLIEST_YEAR < year < bounds.LATEST_YEAR:
        raise InvalidInput(f"year must lie between {bounds.EARLIEST_YEAR + 1} and {bounds.LATEST_YEAR - 1}", ["year"])
    for asked, field in [(revenue_growth, ["revenueGrowth"]),
                          *((m.growth, ["mix", m.family, "growth"]) for m in mix or [])]:
        if not -1.0 <= asked <= bounds.MAX_GROWTH:
            raise InvalidInput(f"growth must lie between -1 (no sales) and {bounds.MAX_GROWTH:g} (+"
                               f"{bounds.MAX_GROWTH:.0%}), got {asked:g}", field)
    sales = sales_by_family_quarter(session, year - 1)
    if not sales:
        raise InvalidInput(f"no orders in {year - 1} to take seasonality from", ["year"])
    last_year = sum(s.revenue for s in sales.values())
    goal = last_year * (1 + revenue_growth)
    growth = _growths({k: s.revenue for k, s in sales.items()}, goal, mix or [])
    forecasts = forecast_by_family_quarter(session, year)
    routes = routes_by_family(session)
    volume = {k: s.quantity * (1 + growth[k]) for k, s in sales.items()}

    needed: dict[tuple[str, int], float] = defaultdict(float)
    for (family, quarter), units in volume.items():
        lines = routes.get(family, [])
        total_hours = sum(r.weekly_hours for r in lines)
        for r in lines:
            needed[r.line_code, quarter] += units * (r.weekly_hours / total_hours) * r.hours_per_unit
    capacity = {code: h * WEEKS_PER_QUARTER * (1 - reserve_share) for code, h in line_weekly_hours(session).items()}
    gaps = [
        CapacityGap(code, q, capacity[code], hours, hours - capacity[code])
        for (code, q), hours in sorted(needed.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if hours > capacity[code] + 1e-9
    ]
    fill = {(g.line_code, g.quarter): g.capacity_hours / g.needed_hours for g in gaps}

    targets = []
    for (family, quarter), units in sorted(volume.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        s = sales[family, quarter]
        price = s.revenue / s.quantity if s.quantity else 0.0
        lines = routes.get(family, [])
        # No route at all: nothing can be made, the whole volume is a gap.
        factor = min((fill.get((r.line_code, quarter), 1.0) for r in lines), default=0.0)
        targets.append(
            FamilyQuarterTarget(
                family,
                quarter,
                s.revenue,
                growth[family, quarter],
                s.revenue * (1 + growth[family, quarter]),
                units,
                forecasts.get((family, quarter)),
                units * factor,
                units * factor * price,
            )
        )
    return TargetPlan(year, last_year, goal, sum(t.capped_revenue for t in targets), targets, gaps)
