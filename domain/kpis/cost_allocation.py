"""Forecast-error cost allocation (R15): what each rush insertion cost and who bears it, per the rule file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from domain.config import Settings
from domain.kpis.period import Period
from domain.models import Customer, Order, OrderStatus, RushCause, RushInsertion


class CostAllocationRules(Protocol):
    """What rules.RuleBook offers: `cost_allocation(facts)` -> shares from cost_allocation.yaml."""

    def cost_allocation(self, facts: Mapping[str, Any]) -> Any: ...


@dataclass(frozen=True)
class AdjustmentRates:
    """Money per overtime hour, per changeover and per displaced order (settings SOP_*_COST)."""

    overtime_hour: float
    changeover: float
    displaced_order: float

    @classmethod
    def from_settings(cls, settings: Settings) -> AdjustmentRates:
        return cls(settings.overtime_hour_cost, settings.changeover_cost, settings.displaced_order_cost)


@dataclass(frozen=True)
class RushCost:
    order_code: str
    customer_code: str
    account_owner: str | None  # the salesperson who looks after the customer (customers.account_owner)
    cancelled: bool  # inserted, then cancelled: the capacity moved for it was moved for nothing (misuse)
    cause: str
    forecast_excess_pct: float | None
    overtime_hours: float
    changeovers: int
    displaced_orders: int
    cost: float  # overtime_hours x rate + changeovers x cost + displaced orders x cost
    sales_share: float
    production_share: float
    reason: str  # why the rule file split it so

    @property
    def sales_cost(self) -> float:
        return self.cost * self.sales_share

    @property
    def production_cost(self) -> float:
        return self.cost * self.production_share


@dataclass(frozen=True)
class AccountOwnerRushCost:
    """What one salesperson's rush orders cost, and how many were misused (inserted, then cancelled)."""

    account_owner: str | None  # None: customers without an account owner
    rush_orders: int
    cost: float
    sales_cost: float
    misused: int
    misused_cost: float


@dataclass(frozen=True)
class CostAllocationReport:
    rush_orders: list[RushCost]
    total_cost: float
    sales_cost: float
    production_cost: float
    forecast_error_cost: float  # the part caused by demand above forecast
    by_account_owner: list[AccountOwnerRushCost]


def by_account_owner(costs: list[RushCost]) -> list[AccountOwnerRushCost]:
    """Rush cost and misuse per account owner, the most costly first (customers without an owner last)."""
    owners: dict[str | None, list[RushCost]] = {}
    for cost in costs:
        owners.setdefault(cost.account_owner, []).append(cost)
    rows = [AccountOwnerRushCost(owner, len(cs), sum(c.cost for c in cs), sum(c.sales_cost for c in cs),
                                 sum(1 for c in cs if c.cancelled), sum(c.cost for c in cs if c.cancelled))
            for owner, cs in owners.items()]
    return sorted(rows, key=lambda r: (r.account_owner is None, -r.cost, r.account_owner or ""))


def rush_costs_select(period: Period) -> Select[Any]:
    """Rush orders received in the period that went through rush insertion, with what it took."""
    return (
        select(
            Order.code,
            Customer.code.label("customer_code"),
            Customer.account_owner,
            (Order.status == OrderStatus.CANCELLED).label("cancelled"),
            func.coalesce(RushInsertion.cause, Order.rush_cause).label("cause"),
            RushInsertion.forecast_excess_pct,
            RushInsertion.overtime_hours,
            RushInsertion.changeovers,
            func.json_array_length(RushInsertion.displaced_order_ids).label("displaced"),
        )
        .join(Order, Order.id == RushInsertion.order_id)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Order.received_at >= period.start_at, Order.received_at < period.end_at)
        .order_by(Order.received_at, Order.id)
    )


def cost_allocation_report(
    session: Session, period: Period, rules: CostAllocationRules, rates: AdjustmentRates
) -> CostAllocationReport:
    """One rule evaluation per distinct facts among the period's rush orders; the costs come from the rows."""
    costs = []
    # The rule file is a pure function of its facts, so orders with the same facts share one evaluation
    # (about a third of a quarter's rush orders repeat an earlier one's).
    splits: dict[tuple[str, float, float], Any] = {}
    for row in session.execute(rush_costs_select(period)):
        overtime, changeovers, displaced = (
            float(row.overtime_hours or 0),
            int(row.changeovers or 0),
            int(row.displaced or 0),
        )
        cost = overtime * rates.overtime_hour + changeovers * rates.changeover + displaced * rates.displaced_order
        cause = str(row.cause or RushCause.INTERNAL)
        # An unrecorded excess counts as 0%: the rule file then applies its plain forecast-miss share.
        facts = (cause, float(row.forecast_excess_pct or 0.0), cost)
        split = splits.get(facts)
        if split is None:
            split = splits[facts] = rules.cost_allocation(
                {"order.cause": facts[0], "forecast.excess_pct": facts[1], "adjustment.cost": facts[2]}
            )
        costs.append(
            RushCost(
                row.code,
                row.customer_code,
                row.account_owner,
                bool(row.cancelled),
                cause,
                row.forecast_excess_pct,
                overtime,
                changeovers,
                displaced,
                cost,
                float(split.sales_share),
                float(split.production_share),
                str(split.reason),
            )
        )
    return CostAllocationReport(
        costs,
        sum(c.cost for c in costs),
        sum(c.sales_cost for c in costs),
        sum(c.production_cost for c in costs),
        sum(c.cost for c in costs if c.cause == RushCause.DEMAND_ABOVE_FORECAST),
        by_account_owner(costs),
    )
