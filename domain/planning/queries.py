"""Read side of planning: a plan version, its items and loads, and the live capacity load per line-week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import (
    CapacityLedger,
    CurrentPlan,
    LineWeekLoad,
    Order,
    Plan,
    PlanItem,
    Product,
    ProductionLine,
)
from domain.planning.status import plan_status as plan_status  # where the API reads a plan's standing


@dataclass(frozen=True)
class PlanItemRow:
    week: date
    day: date | None
    line_code: str
    sku: str
    quantity: float
    hours: float
    crew_hours: float
    quantity_made: float
    frozen: bool
    # The order a day task was inserted for (a promise in the running week, a rush order); None for planned items.
    order_code: str | None


@dataclass(frozen=True)
class LoadRow:
    line_code: str
    week: date
    capacity_hours: float
    planned_hours: float
    reserved_hours: float
    overtime_hours: float
    promised_hours: float = 0.0
    rush_hours_used: float = 0.0
    lost_hours: float = 0.0

    @property
    def utilization(self) -> float:
        return self.planned_hours / self.capacity_hours if self.capacity_hours > 0 else 0.0


async def current_plan_id(session: AsyncSession) -> int | None:
    return await session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))


async def get_plan(session: AsyncSession, plan_id: int | None) -> Plan | None:
    """The plan with this id, or the plan in force when id is None."""
    if plan_id is None:
        plan_id = await current_plan_id(session)
        if plan_id is None:
            return None
    return await session.get(Plan, plan_id)


async def plan_items(
    session: AsyncSession, plan_id: int, *, daily: bool, week: date | None = None, line_code: str | None = None
) -> list[PlanItemRow]:
    query = (
        select(PlanItem, ProductionLine.code, Product.sku, Order.code)
        .join(ProductionLine, ProductionLine.id == PlanItem.line_id)
        .join(Product, Product.id == PlanItem.product_id)
        .outerjoin(Order, Order.id == PlanItem.order_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.day.is_not(None) if daily else PlanItem.day.is_(None))
        .order_by(PlanItem.week, PlanItem.day, ProductionLine.code, Product.sku)
    )
    if week is not None:
        query = query.where(PlanItem.week == week_start(week))
    if line_code is not None:
        query = query.where(ProductionLine.code == line_code)
    return [
        PlanItemRow(i.week, i.day, code, sku, i.quantity, i.hours, i.crew_hours, i.quantity_made, i.frozen, order)
        for i, code, sku, order in (await session.execute(query)).all()
    ]


async def plan_loads(session: AsyncSession, plan_id: int) -> list[LoadRow]:
    query = (
        select(LineWeekLoad, ProductionLine.code)
        .join(ProductionLine, ProductionLine.id == LineWeekLoad.line_id)
        .where(LineWeekLoad.plan_id == plan_id)
        .order_by(ProductionLine.code, LineWeekLoad.week)
    )
    return [
        LoadRow(code, r.week, r.capacity_hours, r.planned_hours, r.reserved_hours, r.overtime_hours)
        for r, code in (await session.execute(query)).all()
    ]


async def capacity_load(session: AsyncSession, start: date, weeks: int) -> list[LoadRow]:
    """Live load per line-week: what the plan in force spends plus what was promised since.

    capacityHours is the calendar less hours lost to incidents; plannedHours counts forecast work,
    promised orders and rush orders; reservedHours is the rush reserve still held back.
    """
    first = week_start(start)
    last = first + timedelta(weeks=weeks - 1)
    plan_id = await current_plan_id(session)
    overtime: dict[tuple[int, date], float] = {}
    if plan_id is not None:
        rows = await session.execute(
            select(LineWeekLoad.line_id, LineWeekLoad.week, LineWeekLoad.overtime_hours).where(
                LineWeekLoad.plan_id == plan_id, LineWeekLoad.week >= first, LineWeekLoad.week <= last
            )
        )
        overtime = {(line_id, week): hours for line_id, week, hours in rows}
    ledger = await session.execute(
        select(CapacityLedger, ProductionLine.code)
        .join(ProductionLine, ProductionLine.id == CapacityLedger.line_id)
        .where(CapacityLedger.week >= first, CapacityLedger.week <= last)
        .order_by(ProductionLine.code, CapacityLedger.week)
    )
    return [
        LoadRow(
            code,
            row.week,
            max(row.capacity_hours - row.lost_hours, 0.0),
            row.planned_hours + row.promised_hours + row.rush_hours_used,
            max(row.reserve_hours - row.rush_hours_used, 0.0),
            overtime.get((row.line_id, row.week), 0.0),
            row.promised_hours,
            row.rush_hours_used,
            row.lost_hours,
        )
        for row, code in ledger.all()
    ]
