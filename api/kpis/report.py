"""The KpiReport type: the contract's KPIs as plain fields, the heavier reports resolved only when asked."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.convert import money
from api.kpis.types import (
    CostAllocation,
    ForecastAccuracyReport,
    RushReviewRow,
    Scorecard,
)
from api.kpis.values import KpiValue
from domain import kpis
from domain.kpis import KPI_DEFINITIONS


def _d(name: str) -> str:
    return KPI_DEFINITIONS[name]


def _money(value: float | None) -> Decimal | None:
    return None if value is None else money(value)


@strawberry.type(description="Shared KPIs of [from, to) (R12); a KPI is null when its denominator is empty.")
class KpiReport:
    from_: datetime.date = strawberry.field(name="from", description="First day of the period (included).")
    to: datetime.date = strawberry.field(description="Day after the period's last (excluded).")
    order_fulfillment_rate: float | None = strawberry.field(description=_d("orderFulfillmentRate"))
    complaint_rate: float | None = strawberry.field(description=_d("complaintRate"))
    order_response_hours: float | None = strawberry.field(description=_d("orderResponseHours"))
    rush_insertion_success_rate: float | None = strawberry.field(description=_d("rushInsertionSuccessRate"))
    rush_on_time_rate: float | None = strawberry.field(description=_d("rushOnTimeRate"))
    plan_completion_rate: float | None = strawberry.field(description=_d("planCompletionRate"))
    inventory_turnover: float | None = strawberry.field(description=_d("inventoryTurnover"))
    forecast_accuracy: float | None = strawberry.field(description=_d("forecastAccuracy"))
    revenue: Decimal | None = strawberry.field(description=_d("revenue"))
    collection_rate: float | None = strawberry.field(description=_d("collectionRate"))
    output: float | None = strawberry.field(description=_d("output"))
    yield_: float | None = strawberry.field(name="yield", description=_d("yield"))
    revenue_growth: float | None = strawberry.field(description=_d("revenueGrowth"))
    details: list[KpiValue] = strawberry.field(description="Every KPI with its numerator, denominator and reason.")
    scorecards: list[Scorecard] = strawberry.field(
        description="The SALES and PRODUCTION scorecards of the period (R13).")
    period: strawberry.Private[kpis.Period]

    @classmethod
    def of(cls, report: kpis.KpiReport, cards: list[kpis.Scorecard]) -> KpiReport:
        v = report.value
        return cls(
            from_=report.period.start,
            to=report.period.end,
            order_fulfillment_rate=v("orderFulfillmentRate"),
            complaint_rate=v("complaintRate"),
            order_response_hours=v("orderResponseHours"),
            rush_insertion_success_rate=v("rushInsertionSuccessRate"),
            rush_on_time_rate=v("rushOnTimeRate"),
            plan_completion_rate=v("planCompletionRate"),
            inventory_turnover=v("inventoryTurnover"),
            forecast_accuracy=v("forecastAccuracy"),
            revenue=_money(v("revenue")),
            collection_rate=v("collectionRate"),
            output=v("output"),
            yield_=v("yield"),
            revenue_growth=v("revenueGrowth"),
            details=[KpiValue.of(k) for k in report.kpis.values()],
            scorecards=[Scorecard.of(c) for c in cards],
            period=report.period,
        )

    @strawberry.field(description="The same KPIs per calendar week, month or quarter of the period (clipped to it).")
    async def series(
        self, info: strawberry.Info[Context, None], granularity: Annotated[kpis.Granularity, strawberry.argument(
            description="The bucket: WEEK, MONTH or QUARTER; the first and last are clipped to the period.")],
    ) -> list[KpiReport]:
        ctx = info.context
        async with ctx.db() as session:
            reports = await kpis.kpi_series_async(session, self.period, granularity)
        cards = ctx.rule_book().scorecards()
        return [KpiReport.of(r, kpis.scorecards(r, cards)) for r in reports]

    @strawberry.field(
        description="Forecast accuracy per sku, family and week of the period (R14): which tier was right."
    )
    async def forecast_accuracy_report(self, info: strawberry.Info[Context, None]) -> ForecastAccuracyReport:
        async with info.context.db() as session:
            report = await session.run_sync(kpis.forecast_accuracy_report, self.period)
        return ForecastAccuracyReport.of(report)

    @strawberry.field(description="The capacity-adjustment cost of the period's rush orders and who bears it (R15).")
    async def cost_allocation(self, info: strawberry.Info[Context, None]) -> CostAllocation:
        ctx = info.context
        rates = kpis.AdjustmentRates.from_settings(ctx.settings)
        book = ctx.rule_book()
        async with ctx.db() as session:
            report = await session.run_sync(kpis.cost_allocation_report, self.period, book, rates)
        return CostAllocation.of(report)

    @strawberry.field(
        description="The period's rush orders counted by cause, rush tier and outcome (R15's periodic review)."
    )
    async def rush_review(self, info: strawberry.Info[Context, None]) -> list[RushReviewRow]:
        async with info.context.db() as session:
            rows = await session.run_sync(kpis.rush_review, self.period)
        return [
            RushReviewRow(cause=r.cause, tier=r.tier, outcome=r.outcome, orders=r.orders, amount=money(r.amount))
            for r in rows
        ]
