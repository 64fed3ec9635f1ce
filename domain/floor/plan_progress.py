"""Count a quantity made against the plan in force, so plan completion (made / planned) is live."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import CurrentPlan, PlanItem


async def count_against_plan(session: AsyncSession, line_id: int, product_id: int, day: date, quantity: float) -> int:
    """Add the quantity to the plan items of that week, line and sku; returns how many items changed.

    The day's own item (daily tasks of week one) is filled first, then the week's others in day
    order; anything beyond what was planned lands on the first item, since it was made all the same.
    """
    if quantity <= 0:
        return 0
    # The plan in force as a subquery, not read first: one statement after every report.
    in_force = select(CurrentPlan.plan_id).where(CurrentPlan.id == 1).scalar_subquery()
    items = list(
        await session.scalars(
            select(PlanItem)
            .where(
                PlanItem.plan_id == in_force,
                PlanItem.week == week_start(day),
                PlanItem.line_id == line_id,
                PlanItem.product_id == product_id,
            )
            .order_by(PlanItem.day.is_not(None), PlanItem.day, PlanItem.id)
            .with_for_update()
        )
    )
    if not items:
        return 0
    items.sort(key=lambda item: item.day != day)
    left, touched = quantity, set()
    for item in items:
        share = min(max(item.quantity - item.quantity_made, 0.0), left)
        if share > 0:
            item.quantity_made += share
            left -= share
            touched.add(item.id)
    if left > 0:
        items[0].quantity_made += left
        touched.add(items[0].id)
    return len(touched)
