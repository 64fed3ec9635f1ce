"""Shared performance (R12-R15): KPIs by SQL aggregation, scorecards, forecast accuracy, rush costs, targets."""

from domain.kpis.cost_allocation import (
    AccountOwnerRushCost,
    AdjustmentRates,
    CostAllocationReport,
    RushCost,
    cost_allocation_report,
)
from domain.kpis.definitions import KPI_DEFINITIONS, KPI_MEASURES, Measure
from domain.kpis.forecast_report import ForecastAccuracyReport, ForecastAccuracyRow, TierError, forecast_accuracy_report
from domain.kpis.period import Granularity, Period
from domain.kpis.report import MAX_SERIES_BUCKETS, KpiReport, kpi_report, kpi_report_async, kpi_series, kpi_series_async
from domain.kpis.rush_actions import (
    DUE_FIRST,
    RushAction,
    close_rush_action,
    count_rush_actions,
    record_rush_action,
    rush_actions,
    rush_actions_page,
)
from domain.kpis.rush_review import RushReviewRow, rush_review
from domain.kpis.scorecards import ATTAINMENT_CAP, CompanyTarget, Scorecard, ScoreComponent, attainment, scorecards
from domain.kpis.targets import CapacityGap, FamilyQuarterTarget, MixTarget, TargetPlan, plan_targets
from domain.kpis.values import KpiValue

__all__ = [
    "ATTAINMENT_CAP",
    "DUE_FIRST",
    "KPI_DEFINITIONS",
    "KPI_MEASURES",
    "MAX_SERIES_BUCKETS",
    "AccountOwnerRushCost",
    "AdjustmentRates",
    "CapacityGap",
    "CompanyTarget",
    "CostAllocationReport",
    "FamilyQuarterTarget",
    "ForecastAccuracyReport",
    "ForecastAccuracyRow",
    "Granularity",
    "KpiReport",
    "KpiValue",
    "Measure",
    "MixTarget",
    "Period",
    "RushAction",
    "RushCost",
    "RushReviewRow",
    "ScoreComponent",
    "Scorecard",
    "TargetPlan",
    "TierError",
    "attainment",
    "close_rush_action",
    "cost_allocation_report",
    "count_rush_actions",
    "forecast_accuracy_report",
    "kpi_report",
    "kpi_report_async",
    "kpi_series",
    "kpi_series_async",
    "plan_targets",
    "record_rush_action",
    "rush_actions",
    "rush_actions_page",
    "rush_review",
    "scorecards",
]
