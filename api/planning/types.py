"""GraphQL types of plans and loads, built from domain rows with plain attribute fields."""

from __future__ import annotations

from datetime import date

import strawberry

from api.core.convert import from_attributes
from api.core.enums import expose_enum
from domain import models
from domain.planning.queries import LoadRow, PlanItemRow
from domain.planning.scenarios import TierScenario
from solver.result import DiagnosticKind, SolverStatus

strawberry.enum(models.ForecastTier, name="ForecastTier")
expose_enum(models.PlanStatus, "PlanStatus", "Where a plan version stands.", {
    "DRAFT": "Solved after the plan in force (or while none is in force) and not put in force.",
    "IN_FORCE": "The plan production follows; exactly one plan at a time.",
    "SUPERSEDED": "Was in force, or was solved before the plan now in force.",
    "REJECTED": "Turned down by a planner (reserved: no mutation rejects plans yet).",
})
expose_enum(DiagnosticKind, "DiagnosticKind", "What a plan diagnostic is about; `message` says it in words.", {
    "BOTTLENECK": "A line-week full to capacity, with what one more hour would gain.",
    "LATE_DEMAND": "Demand planned after its week, or not at all.",
    "NO_ROUTE": "Demand for a product no line can make.",
    "SAFETY_STOCK": "Planned stock below a product's safety stock.",
    "FROZEN_CONFLICT": "The frozen weeks hold more than the lines now have.",
    "DAILY_OVERFLOW": "Week one's quantity did not fit the line's days.",
    "BROKEN_PROMISE": "Promised hours no longer fit; the orders holding them are at risk.",
    "SOLVER": "The solver failed; the plan was cut to what fits.",
    "FORMULATION": "Which model was solved and how exact its answer is.",
})
expose_enum(SolverStatus, "SolverStatus", "How the solve of a plan or scenario ended.", {
    "OPTIMAL": "Solved to optimality.",
    "OPTIMAL_INACCURATE": "Solved, optimal within a looser tolerance than asked.",
    "DEGRADED": "Solved, but the frozen weeks conflicted with capacity; see the diagnostics.",
    "INFEASIBLE_DEGRADED": "Not solved: the previous plan was cut to what fits; see the diagnostics.",
})


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
        return from_attributes(cls, row)


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
        return from_attributes(cls, row)


@strawberry.type(description="A finding of the capacity model in words: bottleneck, late demand, frozen conflict.")
class PlanDiagnostic:
    kind: DiagnosticKind
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
    status: SolverStatus
    objective: float
    demand_units: float
    backlog_units: float
    overtime_hours: float
    line_weeks: list[ScenarioLineWeek]

    @classmethod
    def from_row(cls, row: TierScenario) -> ForecastScenario:
        return from_attributes(
            cls,
            row,
            status=SolverStatus(row.status),
            line_weeks=[from_attributes(ScenarioLineWeek, n) for n in row.needs],
        )
