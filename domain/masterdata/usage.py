"""What still relies on a master record: open orders and the plan in force (from this week on). Retiring a record,
or taking a line off a product's routing, is refused while anything here names it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.capacity.calendar import week_start
from domain.models import BomItem, CapacityReservation, CurrentPlan, Order, OrderLine, OrderStatus, PlanItem

# Orders not yet ended: they still need their customer, products, materials and lines.
OPEN = (OrderStatus.RECEIVED, OrderStatus.ACCEPTED, OrderStatus.PROPOSED, OrderStatus.SCHEDULED,
        OrderStatus.IN_PRODUCTION, OrderStatus.IN_STOCK)
SHOWN = 5  # order codes named in a refusal


async def open_orders(session: AsyncSession, *where: Any) -> list[str]:
    """Codes of open orders matching where (over orders joined to their lines), at most SHOWN + 1."""
    stmt = (select(Order.code).join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.status.in_(OPEN), *where).distinct().order_by(Order.code).limit(SHOWN + 1))
    return list(await session.scalars(stmt))


async def orders_holding_line(session: AsyncSession, line_id: int, product_ids: Sequence[int] | None = None
                              ) -> list[str]:
    """Open orders holding hours on the line (of these products only, when given)."""
    stmt = (select(Order.code).join(CapacityReservation, CapacityReservation.order_id == Order.id)
            .join(OrderLine, OrderLine.id == CapacityReservation.order_line_id)
            .where(Order.status.in_(OPEN), CapacityReservation.line_id == line_id))
    if product_ids is not None:
        stmt = stmt.where(OrderLine.product_id.in_(product_ids))
    return list(await session.scalars(stmt.distinct().order_by(Order.code).limit(SHOWN + 1)))


async def planned_weeks(session: AsyncSession, *where: Any) -> list[str]:
    """Weeks (ISO) from this one on in which the plan in force makes something matching where (over plan items)."""
    stmt = (select(PlanItem.week).join(CurrentPlan, CurrentPlan.plan_id == PlanItem.plan_id)
            .where(PlanItem.week >= week_start(clock.today()), PlanItem.quantity > 0, *where)
            .distinct().order_by(PlanItem.week).limit(SHOWN + 1))
    return [week.isoformat() for week in await session.scalars(stmt)]


def listed(codes: list[str]) -> str:
    return ", ".join(codes[:SHOWN]) + (" and more" if len(codes) > SHOWN else "")


def products_using(material_id: int) -> Any:
    return select(BomItem.product_id).where(BomItem.material_id == material_id).scalar_subquery()
