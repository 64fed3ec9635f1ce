"""Open demand of a sku: what accepted orders still need made, in the order it should be served."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Order, OrderLine, OrderStatus, keeps_promise

# Orders that hold a promise and are not yet fully made.
OPEN_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION)


async def open_demand(session: AsyncSession, product_id: int) -> float:
    """Units of the sku promised to open orders and neither made yet nor taken from stock."""
    total = await session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity_to_make), 0.0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.product_id == product_id,
            keeps_promise(OPEN_STATUSES),
            OrderLine.quantity_to_make > 0,
        )
    )
    return float(total or 0.0)
