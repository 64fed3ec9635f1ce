"""The running week's day tasks made for orders due well after it, which a rush order may move (capacity policy
rush_moves_order_tasks): the next weekly replan makes their units instead, still before their promised dates."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import CurrentPlan, Order, PlanItem
from domain.planning.stock_tasks import MIN_SHARE, StockCut


async def movable_order_tasks(session: AsyncSession, line_ids: Sequence[int], first_day: date, last_day: date,
                              promised_after: date, priority_tiers: Collection[str]) -> list[StockCut]:
    """The hours not made yet of the plan in force's day tasks on these lines from first_day to last_day (in
    first_day's week), made for orders of these priority tiers promised after `promised_after`; earliest first."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    last_day = min(last_day, week_start(first_day) + timedelta(days=6))
    if plan_id is None or last_day < first_day or not line_ids or not priority_tiers:
        return []
    rows = (await session.execute(
        select(PlanItem.id, PlanItem.line_id, PlanItem.product_id, PlanItem.day, PlanItem.quantity, PlanItem.hours,
               PlanItem.quantity_made)
        .join(Order, Order.id == PlanItem.order_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(list(line_ids)), PlanItem.day >= first_day,
               PlanItem.day <= last_day, PlanItem.hours > 0, PlanItem.quantity > PlanItem.quantity_made,
               Order.promised_date > promised_after, Order.priority_tier.in_(list(priority_tiers)))
        .order_by(PlanItem.day, PlanItem.line_id, PlanItem.id))).all()
    cuts = []
    for task_id, line_id, product_id, day, quantity, hours, made in rows:
        left = float(hours) * (1 - float(made) / float(quantity))
        if day is not None and left > MIN_SHARE:
            cuts.append(StockCut(task_id, line_id, product_id, day, left, float(quantity) / float(hours)))
    return cuts
