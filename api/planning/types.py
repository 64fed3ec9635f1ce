"""GraphQL types of plans and loads, built from domain rows with plain attribute fields."""

from __future__ import annotations

from datetime import date

import strawberry

from domain import models
from domain.planning.queries import LoadRow, PlanItemRow
from domain.planning.scenarios import TierScenario

strawberry.enum(models.ForecastTier, name="ForecastTier")


@strawberry.type(
    description="Quantity of one sku on one line in one week; `day` is set for the daily tasks of week one."
)
class PlanItem:
    week: date
    line_code: str
    sku: str
    quantity: float
    hours: float
    day: date | None
    crew_hours: float
    quantity_made: float
    frozen: bool

    @classmethod
    def from_row(cls, row: PlanItemRow) -> PlanItem:
        return cls(
            week=row.week,
            line_code=row.line_code,
            sku=row.sku,
            quantity=row.quantity,
            hours=row.hours,
            day=row.day,
            crew_hours=row.crew_hours,
            quantity_made=row.quantity_made,
            frozen=row.frozen,
        )


@strawberry.type(description="Load of one line in one week: hours available, planned, held for rush, overtime.")
class LineWeekLoad:
    line_code: str
    week: date
    capacity_hours: float
    planned_hours: float
    reserved_hours: float
    overtime_hours: float
    utilization: float
    promised_hours: float
    rush_hours_used: float
    lost_hours: float

    @classmethod
    def from_row(cls, row: LoadRow) -> LineWeekLoad:
        return cls(
            line_code=row.line_code,
            week=row.week,
            capacity_hours=row.capacity_hours,
            planned_hours=row.planned_hours,
            reserved_hours=row.reserved_hours,
            overtime_hours=row.overtime_hours,
            utilization=row.utilization,
            promised_hours=row.promised_hours,
            rush_hours_used=row.rush_hours_used,
            lost_hours=row.lost_hours,
        )


@strawberry.type(description="A finding of the capacity model in words: bottleneck, late demand, frozen conflict.")
class PlanDiagnostic:
    kind: str
    message: str


@strawberry.type(description="A finding for one line-week of a forecast scenario.")
class ScenarioLineWeek:
    line_code: str
    week: date
    capacity_hours: float
    planned_hours: float
    overtime_hours: float
    late_hours: float


@strawberry.type(description="The plan solved for one forecast tier, and the elastic capacity it needs (R2, R14).")
class ForecastScenario:
    tier: models.ForecastTier
    status: str
    objective: float
    demand_units: float
    backlog_units: float
    overtime_hours: float
    line_weeks: list[ScenarioLineWeek]

    @classmethod
    def from_row(cls, row: TierScenario) -> ForecastScenario:
        return cls(
            tier=row.tier,
            status=row.status,
            objective=row.objective,
            demand_units=row.demand_units,
            backlog_units=row.backlog_units,
            overtime_hours=row.overtime_hours,
            line_weeks=[
                ScenarioLineWeek(
                    line_code=n.line_code,
                    week=n.week,
                    capacity_hours=n.capacity_hours,
                    planned_hours=n.planned_hours,
                    overtime_hours=n.overtime_hours,
                    late_hours=n.late_hours,
                )
                for n in row.needs
            ],
        )
