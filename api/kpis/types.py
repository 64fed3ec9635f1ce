"""GraphQL types of the KPI report, scorecards, forecast accuracy, rush costs and target breakdown."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import strawberry

from api.core.convert import from_attributes
from api.core.enums import expose_enum
from api.core.errors import UserError
from domain import kpis, models


class Team(enum.Enum):
    SALES = "SALES"
    PRODUCTION = "PRODUCTION"


expose_enum(Team, "Team", "The teams measured on shared numbers (R13).", {
    "SALES": "Sales: by default scored on order fulfilment, forecast accuracy and inventory turnover "
             "(scorecards.yaml).",
    "PRODUCTION": "Production: by default scored on rush orders, plan completion, complaints and response hours "
                  "(scorecards.yaml).",
})


# Registers the domain enum itself, so resolvers annotate with kpis.Granularity.
expose_enum(kpis.Granularity, "Granularity", "Calendar buckets of a KPI series.", {
    "WEEK": "Monday to Sunday.",
    "MONTH": "Calendar months.",
    "QUARTER": "Calendar quarters (January-March, ...).",
})


@strawberry.type(
    description="One KPI's part of a team's score: its weight, target and how far the value reached it."
)
class ScoreComponent:
    kpi: str = strawberry.field(description="The KPI, as its field in KpiReport is named.")
    weight: float = strawberry.field(
        description="Its share of the team's score, from scorecards.yaml (a team's weights sum to 1 in the default "
                    "rules).")
    target: float = strawberry.field(description="The value to reach, in the KPI's unit, from scorecards.yaml.")
    value: float | None = strawberry.field(
        description="The KPI's value in the period; null when its denominator was empty.")
    attainment: float | None = strawberry.field(
        description=f"value / target (target / value when lower is better), capped at {kpis.ATTAINMENT_CAP}; "
        "null when the KPI is null (it then adds nothing to the score)."
    )
    higher_is_better: bool = strawberry.field(
        description="False for KPIs where less is better (complaint rate, response hours): attainment is then "
                    "target / value.")


@strawberry.type(description="A company-level target of scorecards.yaml (R13's joint bonus): when every one is "
                 "met, both teams earn the bonus whatever their own score.")
class CompanyTarget:
    kpi: str = strawberry.field(description="The KPI's name as in KpiReport (e.g. revenueGrowth).")
    target: float = strawberry.field(description="The value the company aims for.")
    higher_is_better: bool = strawberry.field(description="True when the value must reach the target from below.")
    value: float | None = strawberry.field(description="The period's value; null when the KPI had no data.")
    met: bool = strawberry.field(description="The value reaches the target; a KPI without data has not met it.")


@strawberry.type(description="A team's weighted KPI attainment (R13); weights, targets and bonus from scorecards.yaml.")
class Scorecard:
    team: Team = strawberry.field(description="The team scored.")
    score: float = strawberry.field(
        description="Sum of weight x attainment over the team's KPIs with data, divided by their weight "
        "(KPIs without data are left out and the others renormalised, unless scorecards.yaml says ZERO).")
    bonus_eligible: bool = strawberry.field(
        description="score >= the rule file's bonus threshold, or every company target met (both teams then).")
    bonus_rate: float = strawberry.field(description="The rule file's bonus rate, paid when bonusEligible.")
    components: list[ScoreComponent] = strawberry.field(description="One entry per KPI of the team's scorecard.")
    weight_with_data: float = strawberry.field(
        description="The sum of the weights of the KPIs that had data in the period (1 when all had).")
    note: str | None = strawberry.field(
        description="How KPIs without data were counted (left out and renormalised, or as 0); null when all had data.")
    bonus_reason: str = strawberry.field(description="Why the bonus is earned or not, in words with the figures.")
    company_targets: list[CompanyTarget] = strawberry.field(
        description="The company targets of scorecards.yaml with the period's values (the same for both teams).")
    company_targets_met: bool | None = strawberry.field(
        description="Every company target met; null when the rule file sets none.")

    @classmethod
    def of(cls, card: kpis.Scorecard) -> Scorecard:
        return from_attributes(
            cls, card, team=Team(card.team), components=[from_attributes(ScoreComponent, c) for c in card.components],
            company_targets=[from_attributes(CompanyTarget, t) for t in card.company_targets],
        )


@strawberry.type(description="WMAPE = sum|tier - ordered| / sum ordered; bias = sum(tier - ordered) / sum ordered.")
class TierError:
    tier: str = strawberry.field(description="The forecast tier: LOW, MID or HIGH.")
    wmape: float | None = strawberry.field(
        description="Weighted mean absolute percentage error as a ratio (0 is perfect); null when nothing was "
                    "ordered.")
    bias: float | None = strawberry.field(
        description="Signed error as a ratio: above 0 the tier forecast too much, below 0 too little; null when "
                    "nothing was ordered.")


@strawberry.type(description="Forecast against orders for one group: a sku, a family, a week, or all of them.")
class ForecastAccuracyRow:
    sku: str | None = strawberry.field(description="The product of a by-sku row; null otherwise.")
    family: str | None = strawberry.field(
        description="The family of a by-family row (and of a by-sku row's product); null otherwise.")
    week: datetime.date | None = strawberry.field(description="The Monday of a by-week row; null otherwise.")
    ordered: float = strawberry.field(
        description="Units ordered in the group (what the forecasts are compared with).")
    sku_weeks: int = strawberry.field(description="How many sku-weeks the group holds.")
    tiers: list[TierError] = strawberry.field(description="Each tier's error over the group.")
    best_tier: str | None = strawberry.field(description="The tier with the smallest WMAPE: the one that was right.")

    @classmethod
    def of(cls, row: kpis.ForecastAccuracyRow) -> ForecastAccuracyRow:
        return from_attributes(cls, row, tiers=[from_attributes(TierError, t) for t in row.tiers])


@strawberry.type(description="Forecast accuracy per sku, family and week (R14), latest submission before each week.")
class ForecastAccuracyReport:
    by_sku: list[ForecastAccuracyRow] = strawberry.field(description="One row per product, by sku.")
    by_family: list[ForecastAccuracyRow] = strawberry.field(description="One row per product family.")
    by_week: list[ForecastAccuracyRow] = strawberry.field(description="One row per week of the period.")
    overall: ForecastAccuracyRow = strawberry.field(description="The whole period and catalogue in one row.")
    closest_low: int = strawberry.field(description="Sku-weeks on which LOW was the closest tier.")
    closest_mid: int = strawberry.field(description="Sku-weeks on which MID was the closest tier.")
    closest_high: int = strawberry.field(description="Sku-weeks on which HIGH was the closest tier.")

    @classmethod
    def of(cls, r: kpis.ForecastAccuracyReport) -> ForecastAccuracyReport:
        return cls(
            by_sku=[ForecastAccuracyRow.of(x) for x in r.by_sku],
            by_family=[ForecastAccuracyRow.of(x) for x in r.by_family],
            by_week=[ForecastAccuracyRow.of(x) for x in r.by_week],
            overall=ForecastAccuracyRow.of(r.overall),
            closest_low=r.closest_tier_counts["LOW"],
            closest_mid=r.closest_tier_counts["MID"],
            closest_high=r.closest_tier_counts["HIGH"],
        )


@strawberry.type(description="A rush order's capacity-adjustment cost and its split between sales and production.")
class RushCost:
    order_code: str = strawberry.field(description="The rush order's code.")
    customer_code: str = strawberry.field(description="Its customer's code.")
    account_owner: str | None = strawberry.field(
        description="The salesperson who looks after the customer (customers.account_owner); null when none.")
    cancelled: bool = strawberry.field(
        description="Inserted, then cancelled: the capacity moved for it was moved for nothing (rush misuse).")
    cause: str = strawberry.field(
        description="Why it was a rush: DEMAND_ABOVE_FORECAST, CUSTOMER_CHANGE, INTERNAL or UNKNOWN.")
    forecast_excess_pct: float | None = strawberry.field(
        description="How far demand went above the mid forecast, in percent (30 = 30% above); null when there was "
                    "no forecast.")
    overtime_hours: float = strawberry.field(description="Overtime hours the insertion needed.")
    changeovers: int = strawberry.field(description="Extra line changeovers the insertion caused.")
    displaced_orders: int = strawberry.field(description="Orders moved or split to make room for it.")
    cost: Decimal = strawberry.field(
        description="overtime hours x rate + changeovers x cost + displaced orders x cost "
        "(SOP_OVERTIME_HOUR_COST, SOP_CHANGEOVER_COST, SOP_DISPLACED_ORDER_COST)."
    )
    sales_share: float = strawberry.field(
        description="Sales' share of the cost, 0 to 1, from the rule file cost_allocation.yaml.")
    production_share: float = strawberry.field(
        description="Production's share of the cost, 0 to 1; salesShare + productionShare = 1.")
    reason: str = strawberry.field(description="The cost allocation rule that decided the split, in words.")


@strawberry.type(description="One account owner's rush orders of the period: what they cost and how many were misused.")
class AccountOwnerRushCost:
    account_owner: str | None = strawberry.field(description="The salesperson; null for customers without one.")
    rush_orders: int = strawberry.field(description="Rush orders inserted for this owner's customers.")
    cost: Decimal = strawberry.field(description="Their capacity-adjustment cost, in the company currency.")
    sales_cost: Decimal = strawberry.field(description="The part of the cost the rule file charges to sales.")
    misused: int = strawberry.field(description="Rush orders inserted and then cancelled.")
    misused_cost: Decimal = strawberry.field(description="What the cancelled rush orders' insertion cost.")


@strawberry.type(description="Forecast-error cost allocation (R15) of the rush orders received in the period.")
class CostAllocation:
    rush_orders: list[RushCost] = strawberry.field(
        description="One row per rush order received in the period that went through rush insertion.")
    total_cost: Decimal = strawberry.field(description="Sum of the rush orders' costs, in the company currency.")
    sales_cost: Decimal = strawberry.field(
        description="What sales bear: the sum of cost x salesShare, in the company currency.")
    production_cost: Decimal = strawberry.field(
        description="What production bears: the sum of cost x productionShare, in the company currency.")
    forecast_error_cost: Decimal = strawberry.field(
        description="The cost of rush orders caused by demand above forecast."
    )
    by_account_owner: list[AccountOwnerRushCost] = strawberry.field(
        description="Rush cost and misuse per account owner (the salesperson), the most costly first.")

    @classmethod
    def of(cls, r: kpis.CostAllocationReport) -> CostAllocation:
        return from_attributes(cls, r, rush_orders=[from_attributes(RushCost, c) for c in r.rush_orders],
                               by_account_owner=[from_attributes(AccountOwnerRushCost, o) for o in r.by_account_owner])


@strawberry.type(
    description="Rush orders received in the period by cause, rush tier and outcome "
    "(NOT_PROMISED, ON_TIME, LATE, OPEN)."
)
class RushReviewRow:
    cause: str = strawberry.field(
        description="Why the orders were rush: DEMAND_ABOVE_FORECAST, CUSTOMER_CHANGE, INTERNAL or UNKNOWN.")
    tier: str = strawberry.field(
        description="The rush tier rush.yaml gave them (e.g. STRATEGIC_RUSH, URGENT, LARGE), or UNKNOWN.")
    outcome: str = strawberry.field(
        description="NOT_PROMISED (rejected, cancelled or still a proposal), ON_TIME, LATE (done against the "
                    "promise) or OPEN (promised, not done yet).")
    orders: int = strawberry.field(description="How many rush orders fall in this cause, tier and outcome.")
    amount: Decimal = strawberry.field(description="Their amount together, in the company currency.")


expose_enum(models.RushCause, "RushCause", "Why an order was a rush order (R15).", {
    "DEMAND_ABOVE_FORECAST": "The customer ordered more than the forecast held for the week.",
    "CUSTOMER_CHANGE": "The customer changed an order (quantity or date) at short notice.",
    "INTERNAL": "The plant's own reason (a replacement, a sample, a quality problem).",
})


@strawberry.type(description="The periodic rush review's finding on one rush order (R15): the cause found, who "
                 "acts on it by when, and whether it is done.")
class RushAction:
    order_code: str = strawberry.field(description="The rush order.")
    customer_code: str = strawberry.field(description="Its customer.")
    account_owner: str | None = strawberry.field(description="The customer's salesperson; null when none.")
    cause: str = strawberry.field(description="The cause the rush rules recorded when it was inserted.")
    reviewed_cause: models.RushCause | None = strawberry.field(description="The cause the review found.")
    owner: str | None = strawberry.field(description="Who answers for the action.")
    due_on: datetime.date | None = strawberry.field(description="When the action is due.")
    action: str | None = strawberry.field(description="What is to be done so it does not recur.")
    overdue: bool = strawberry.field(description="Open and past its due date.")
    closed_at: datetime.datetime | None = strawberry.field(
        description="When it was closed as done (UTC); null while open.")
    closed_by: str | None = strawberry.field(description="Who closed it, as `role:name`.")
    closing_note: str | None = strawberry.field(description="What was done, as recorded when closing.")


@strawberry.input(description="The review's finding on one rush order.")
class RushActionInput:
    order_code: str = strawberry.field(description="The rush order (one inserted as rush).")
    cause: models.RushCause = strawberry.field(description="Why it was rush, as the review found it.")
    owner: str = strawberry.field(description="The person who acts on it.")
    due_on: datetime.date = strawberry.field(description="When the action is due (today or later).")
    action: str = strawberry.field(description="What is to be done.")


@strawberry.input(description="Close a rush order's review action as done.")
class CloseRushActionInput:
    order_code: str = strawberry.field(description="The rush order.")
    note: str | None = strawberry.field(default=None, description="What was done.")


@strawberry.type(description="The rush order's review action, or the errors that refused the change.")
class RushActionPayload:
    action: RushAction | None = strawberry.field(description="The action after the change; null on error.")
    errors: list[UserError] = strawberry.field(description="Why it was refused.")
