"""Forecasts, plan versions, line-week capacity ledger, reservations and production orders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, code_str, intpk, str_enum, utcnow
from domain.models.enums import ForecastTier, ProductionOrderStatus, RushCause


class Forecast(Base):
    """Sales' low / mid / high forecast of one sku for one week; later submissions supersede."""

    __tablename__ = "forecasts"
    __table_args__ = (
        Index("ix_forecasts_product_week", "product_id", "week", "submitted_at"),
        Index("ix_forecasts_week", "week"),
    )
    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    week: Mapped[date]
    low: Mapped[float] = mapped_column(Float)
    mid: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str | None] = mapped_column(String(64))


class Plan(Base):
    """One version of the rolling weekly plan; the plan in force is named by CurrentPlan."""

    __tablename__ = "plans"
    id: Mapped[intpk]
    version: Mapped[int] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    tier: Mapped[ForecastTier] = mapped_column(str_enum(ForecastTier))
    horizon_start: Mapped[date]
    horizon_weeks: Mapped[int]
    frozen_until: Mapped[date]
    inputs_fingerprint: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(64), default="")
    solver: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(32), default="optimal")
    objective: Mapped[float | None] = mapped_column(Float)
    solve_seconds: Mapped[float | None] = mapped_column(Float)
    diagnostics: Mapped[list[dict[str, object]]] = mapped_column(default=list)
    # Plan consensus (R5): the plan in force the plan was solved against (a draft is stale once another is in
    # force), what going into force needs later (the reserve share and the orders' cut-off it was solved with),
    # when it went into force, and a rejection.
    based_on_plan_id: Mapped[int | None]
    reserve_share: Mapped[float | None] = mapped_column(Float)
    order_cutoff: Mapped[datetime | None]
    in_force_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    rejected_by: Mapped[str | None] = mapped_column(String(128))
    rejection_reason: Mapped[str | None] = mapped_column(Text)


class CurrentPlan(Base):
    """A single row pointing at the plan in force, so switching plans is one atomic update."""

    __tablename__ = "current_plan"
    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    switched_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanItem(Base):
    """Quantity of one sku on one line in one week (day set for the daily tasks of week one)."""

    __tablename__ = "plan_items"
    __table_args__ = (Index("ix_plan_items_plan_week", "plan_id", "week", "line_id"),)
    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    week: Mapped[date]
    day: Mapped[date | None]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[float] = mapped_column(Float)
    hours: Mapped[float] = mapped_column(Float)
    crew_hours: Mapped[float] = mapped_column(Float, default=0.0)
    quantity_made: Mapped[float] = mapped_column(Float, default=0.0)
    frozen: Mapped[bool] = mapped_column(default=False)
    # Set on a day task inserted for one order promised inside the running week: what it makes is that order's.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))


class LineWeekLoad(Base):
    """A plan's load of one line in one week."""

    __tablename__ = "line_week_loads"
    __table_args__ = (UniqueConstraint("plan_id", "line_id", "week"),)
    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    week: Mapped[date]
    capacity_hours: Mapped[float] = mapped_column(Float)
    planned_hours: Mapped[float] = mapped_column(Float)
    reserved_hours: Mapped[float] = mapped_column(Float)
    overtime_hours: Mapped[float] = mapped_column(Float, default=0.0)


class CapacityLedger(Base):
    """Live capacity of a line-week against which orders are promised.

    capacity_hours: calendar hours (after calendar exceptions); reserve_hours: the rush reserve
    (capacity policy share); lost_hours: hours lost to incidents; planned_hours: hours the plan in
    force spends on forecast / stock demand (not on firm orders); promised_hours: hours promised to
    accepted regular orders (sum of their CapacityReservation rows); rush_hours_used: hours of the
    reserve promised to rush orders.

    Invariants (checked after every test scenario):
      planned_hours + promised_hours <= capacity_hours - reserve_hours - lost_hours (+ overtime allowed by policy)
      rush_hours_used <= reserve_hours + any regular headroom left
    Promising is one conditional UPDATE (``SET promised_hours = promised_hours + :h WHERE ... AND
    promised_hours + :h <= <free>``) whose row count says whether it fitted, so two orders are
    never promised the same hours, on SQLite and PostgreSQL alike, without a check-then-act race.
    The weekly replan refreshes capacity, reserve and planned hours and leaves promises in place.
    """

    __tablename__ = "capacity_ledger"
    __table_args__ = (UniqueConstraint("line_id", "week"),)
    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    week: Mapped[date]
    capacity_hours: Mapped[float] = mapped_column(Float)
    reserve_hours: Mapped[float] = mapped_column(Float)
    planned_hours: Mapped[float] = mapped_column(Float, default=0.0)
    promised_hours: Mapped[float] = mapped_column(Float, default=0.0)
    rush_hours_used: Mapped[float] = mapped_column(Float, default=0.0)
    lost_hours: Mapped[float] = mapped_column(Float, default=0.0)


class CapacityReservation(Base):
    """Hours of one line-week promised to one order line."""

    __tablename__ = "capacity_reservations"
    __table_args__ = (
        Index("ix_capacity_reservations_order", "order_id"),
        Index("ix_capacity_reservations_line_week", "line_id", "week"),
    )
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    week: Mapped[date]
    hours: Mapped[float] = mapped_column(Float)
    quantity: Mapped[float] = mapped_column(Float)
    from_reserve: Mapped[bool] = mapped_column(default=False)
    # Of `hours`, those the order consumed from the plan's forecast hours (ForecastHours): a cancel gives them
    # back to the forecast of the order line's product, the rest to the free hours.
    forecast_hours: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ForecastHours(Base):
    """Hours of a line-week the plan in force spends making one sku for its forecast (or stock), not yet
    consumed by a firm order of that sku (or family): the ledger row's planned_hours split per sku.

    Invariant (sop check): per line-week they add up to no more than CapacityLedger.planned_hours (equal after
    a replan). A firm order may consume
    its own sku's hours within the consumption window (capacity policy forecast_consumption); nobody else may.
    """

    __tablename__ = "forecast_hours"
    __table_args__ = (UniqueConstraint("line_id", "week", "product_id"),)
    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    week: Mapped[date]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    hours: Mapped[float] = mapped_column(Float)


class RushInsertion(Base):
    """How a rush order was fitted in: reserve used, orders displaced, overtime, and its cause (R15)."""

    __tablename__ = "rush_insertions"
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    cause: Mapped[RushCause] = mapped_column(str_enum(RushCause))
    succeeded: Mapped[bool]
    reserve_hours_used: Mapped[float] = mapped_column(Float, default=0.0)
    overtime_hours: Mapped[float] = mapped_column(Float, default=0.0)
    changeovers: Mapped[int] = mapped_column(default=0)
    displaced_order_ids: Mapped[list[int]] = mapped_column(default=list)
    forecast_excess_pct: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The periodic rush review (R15): the cause people found, who acts on it by when, and when it was done.
    reviewed_cause: Mapped[RushCause | None] = mapped_column(str_enum(RushCause))
    owner: Mapped[str | None] = mapped_column(String(128))
    due_on: Mapped[date | None]
    action: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(128))
    closing_note: Mapped[str | None] = mapped_column(Text)


class ProductionOrder(Base):
    """An instruction (or suggestion) to make a quantity of a sku, raised by stock or orders (R10, R11)."""

    __tablename__ = "production_orders"
    __table_args__ = (Index("ix_production_orders_product_status", "product_id", "status"),)
    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("production_lines.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    quantity: Mapped[float] = mapped_column(Float)
    # Units the floor reported for a released stock order (no order_id); DONE once it reaches quantity.
    quantity_made: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    due_date: Mapped[date]
    status: Mapped[ProductionOrderStatus] = mapped_column(str_enum(ProductionOrderStatus))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
