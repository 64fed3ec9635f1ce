"""Low / mid / high forecast scenarios: the elastic capacity each tier needs (R2, R14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from domain.models import ForecastTier
from domain.planning.snapshot import load_snapshot
from domain.planning.weekly import ReplanSettings, choose_solver, horizon_start
from solver import CapacityPlanner, elastic_capacity, scenarios


@dataclass(frozen=True)
class LineWeekNeed:
    line_code: str
    week: date
    capacity_hours: float
    planned_hours: float
    overtime_hours: float
    late_hours: float  # hours the tier's unmet demand would need on this line


@dataclass(frozen=True)
class TierScenario:
    tier: ForecastTier
    status: str
    objective: float
    demand_units: float
    backlog_units: float
    overtime_hours: float
    needs: list[LineWeekNeed]


def forecast_scenarios(
    session: Session, *, today: date, horizon_weeks: int, reserve_share: float, solver: str
) -> list[TierScenario]:
    """Solve the horizon once per forecast tier on one compiled LP and report what each tier asks."""
    start = horizon_start(today)
    snapshots = {tier: load_snapshot(session, start, horizon_weeks, tier, reserve_share) for tier in ForecastTier}
    base = snapshots[ForecastTier.MID].problem
    name = choose_solver(session, ReplanSettings(horizon_weeks=horizon_weeks, solver=solver))
    results = scenarios(
        CapacityPlanner(name), base, {tier.value: snap.problem.demand for tier, snap in snapshots.items()}
    )
    out = []
    for tier in ForecastTier:
        result = results[tier.value]
        elastic = elastic_capacity(base, result)
        needs = [
            LineWeekNeed(
                base.lines[li],
                base.weeks[wi],
                float(base.capacity_hours[li, wi]),
                float(result.loads.planned_hours[li, wi]),
                float(elastic.overtime_hours[li, wi]),
                float(elastic.late_hours[li, wi]),
            )
            for li in range(len(base.lines))
            for wi in range(len(base.weeks))
        ]
        out.append(
            TierScenario(
                tier,
                result.status,
                float(result.objective),
                float(np.sum(snapshots[tier].problem.demand)),
                float(np.sum(elastic.backlog_units[:, -1])),
                float(np.sum(elastic.overtime_hours)),
                needs,
            )
        )
    return out
