"""The KPI report of a period: every KPI by SQL aggregation, run on a sync or an async session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.errors import InvalidInput
from domain.kpis.delivery import order_fulfillment_rate, rush_insertion_success_rate, rush_on_time_rate
from domain.kpis.forecasts import forecast_accuracy
from domain.kpis.inventory import inventory_turnover
from domain.kpis.period import Granularity, Period
from domain.kpis.planning import plan_completion_rate
from domain.kpis.quality import complaint_rate, output_and_yield
from domain.kpis.response import order_response_hours
from domain.kpis.sales import collection_rate, revenue, revenue_growth
from domain.kpis.values import KpiValue

KpiQuery = Callable[[Session, Period], KpiValue]

# The contract's KPIs first, in its order, then the extra ones of R12.
# Ten years of weeks.
MAX_SERIES_BUCKETS = 520

_SINGLE: tuple[KpiQuery, ...] = (
    order_fulfillment_rate,
    complaint_rate,
    order_response_hours,
    rush_insertion_success_rate,
    rush_on_time_rate,
    plan_completion_rate,
    inventory_turnover,
    forecast_accuracy,
    revenue,
    collection_rate,
    revenue_growth,
)


@dataclass(frozen=True)
class KpiReport:
    period: Period
    kpis: dict[str, KpiValue]  # by the contract's name, e.g. "orderFulfillmentRate"

    def value(self, name: str) -> float | None:
        return self.kpis[name].value


def kpi_report(session: Session, period: Period) -> KpiReport:
    """Every KPI of the period; one or two aggregate queries each, nothing loaded row by row."""
    values = [query(session, period) for query in _SINGLE]
    values.extend(output_and_yield(session, period))
    return KpiReport(period, {v.name: v for v in values})


def kpi_series(session: Session, period: Period, granularity: Granularity) -> list[KpiReport]:
    """The report per calendar week, month or quarter of the period (buckets clipped to it)."""
    buckets = period.buckets(granularity)
    if len(buckets) > MAX_SERIES_BUCKETS:
        # Each bucket is a whole report (tens of milliseconds on a large plant): 1900-2999 by week was 57,000.
        raise InvalidInput(f"a series has at most {MAX_SERIES_BUCKETS} buckets, this period has {len(buckets)} "
                           f"{granularity.value.lower()}s: ask a coarser granularity or a shorter period",
                           ["granularity"])
    return [kpi_report(session, bucket) for bucket in buckets]


async def kpi_report_async(session: AsyncSession, period: Period) -> KpiReport:
    """The same SQL on the API's AsyncSession (run_sync hands the queries a sync Session on its connection)."""
    return await session.run_sync(kpi_report, period)


async def kpi_series_async(session: AsyncSession, period: Period, granularity: Granularity) -> list[KpiReport]:
    return await session.run_sync(kpi_series, period, granularity)
