"""GraphQL types of plans and loads, built from domain rows with plain attribute fields."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.core.convert import from_attributes
from api.core.enums import expose_enum
from domain import models
from domain.planning.queries import LoadRow, PlanItemRow
from domain.planning.scenarios import TierScenario
from solver.result import DiagnosticKind, SolverStatus

expose_enum(models.ForecastTier, "ForecastTier", "Which of sales' three forecasts a plan or scenario is solved "
            "for (R14).", {
    "LOW": "The low forecast: demand turns out weak.",
    "MID": "The middle forecast, the most likely; what the weekly replan uses by default.",
    "HIGH": "The high forecast: demand turns out strong; shows the elastic capacity a peak needs.",
})
expose_enum(models.PlanStatus, "PlanStatus", "Where a plan version stands (plan consensus, R5).", {
    "DRAFT": "Solved against the plan in force and waiting for production's and sales' approval (approvePlan); "
             "nothing of it (ledger, promises, scheduled orders) has taken effect.",
    "IN_FORCE": "The plan production follows; exactly one plan at a time.",
    "SUPERSEDED": "Was in force, or is a draft overtaken by a plan that went into force after it was solved.",
    "REJECTED": "A draft turned down with a reason (rejectPlan); it never goes into force.",
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
    week: date = strawberry.field(description="The Monday of the item's week.")
    line_code: str = strawberry.field(description="The line that makes it.")
    sku: str = strawberry.field(description="The product made.")
    quantity: float = strawberry.field(description="Units planned.")
    hours: float = strawberry.field(description="Line hours the quantity takes.")
    day: date | None = strawberry.field(
        description="The day of a daily task of week one (`items(daily: true)`); null for a weekly item.")
    crew_hours: float = strawberry.field(
        description="Person-hours the item needs (line hours x crew size): the staffing of R5.")
    quantity_made: float = strawberry.field(
        description="Units the shop floor has reported made against this item so far.")
    frozen: bool = strawberry.field(
        description="True when the item lies in the frozen window: the next replan keeps it as it is (R14).")
    order_code: str | None = strawberry.field(
        description="The order a daily task was inserted for after the plan was solved (an order promised for the "
                    "running week, a rush order), so the floor knows whose units it makes; null for the plan's own "
                    "items. Plans are plant-internal: partners cannot read them.")

    @classmethod
    def from_row(cls, row: PlanItemRow) -> PlanItem:
        return from_attributes(cls, row)


@strawberry.type(description="Load of one line in one week: hours available, planned, held for rush, overtime.")
class LineWeekLoad:
    line_code: str = strawberry.field(description="The line.")
    week: date = strawberry.field(description="The Monday of the week.")
    capacity_hours: float = strawberry.field(
        description="Hours the line has that week: its calendar less hours lost to incidents.")
    planned_hours: float = strawberry.field(
        description="Hours spent: forecast work, promised orders and rush orders together.")
    reserved_hours: float = strawberry.field(
        description="Hours of the rush reserve still held back for rush orders (R15).")
    overtime_hours: float = strawberry.field(description="Extra hours beyond capacity the plan in force asks for.")
    utilization: float = strawberry.field(
        description="plannedHours / capacityHours (0 when there is no capacity); above 1 the line is over-loaded.")
    promised_hours: float = strawberry.field(
        description="Hours promised to accepted orders since the plan was solved.")
    rush_hours_used: float = strawberry.field(description="Hours of the rush reserve already given to rush orders.")
    lost_hours: float = strawberry.field(
        description="Hours lost to equipment failures (already taken out of capacityHours).")

    @classmethod
    def from_row(cls, row: LoadRow) -> LineWeekLoad:
        return from_attributes(cls, row)


@strawberry.type(description="A finding of the capacity model in words: bottleneck, late demand, frozen conflict.")
class PlanDiagnostic:
    kind: DiagnosticKind = strawberry.field(description="What the finding is about.")
    message: str = strawberry.field(description="The finding in words, with its line, week and figures.")


@strawberry.type(description="A finding for one line-week of a forecast scenario.")
class ScenarioLineWeek:
    line_code: str = strawberry.field(description="The line.")
    week: date = strawberry.field(description="The Monday of the week.")
    capacity_hours: float = strawberry.field(description="Hours the line has that week.")
    planned_hours: float = strawberry.field(description="Hours the tier's plan would use.")
    overtime_hours: float = strawberry.field(description="Extra hours beyond capacity the tier would need.")
    late_hours: float = strawberry.field(
        description="Hours the tier's unmet demand would still need on this line: capacity to add or demand to "
                    "move.")


@strawberry.type(description="The plan solved for one forecast tier, and the elastic capacity it needs (R2, R14).")
class ForecastScenario:
    tier: models.ForecastTier = strawberry.field(description="The forecast tier solved.")
    status: SolverStatus = strawberry.field(description="How the solve ended.")
    objective: float = strawberry.field(
        description="The weighted cost the solver minimised, in the model's units (see Plan.objective).")
    demand_units: float = strawberry.field(
        description="Units of demand over the horizon: orders plus this tier's forecasts.")
    backlog_units: float = strawberry.field(description="Units of that demand the horizon cannot make in time.")
    overtime_hours: float = strawberry.field(description="Overtime hours over all lines and weeks.")
    line_weeks: list[ScenarioLineWeek] = strawberry.field(
        description="What each line-week would need under this tier.")

    @classmethod
    def from_row(cls, row: TierScenario) -> ForecastScenario:
        return from_attributes(
            cls,
            row,
            status=SolverStatus(row.status),
            line_weeks=[from_attributes(ScenarioLineWeek, n) for n in row.needs],
        )


@strawberry.type(description="One side's approval of a draft plan (approvePlan): production or sales, by a person.")
class PlanApproval:
    side: str = strawberry.field(
        description="`production` (roles planner or production) or `sales` (role sales); an admin stands in for "
                    "the side still missing.")
    role: str = strawberry.field(description="The role of the key or token that approved.")
    person: str = strawberry.field(description="The name of the person (the key's or the token's name).")
    at: datetime = strawberry.field(description="When the approval was given (UTC).")
    reason: str | None = strawberry.field(description="What the approver wrote; null when nothing.")

    @classmethod
    def from_row(cls, row: models.PlanApproval) -> PlanApproval:
        return from_attributes(cls, row)
