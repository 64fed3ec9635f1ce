"""Share a quantity made among the order lines waiting for it: the named order first, then earliest promise first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.floor.demand import OPEN_STATUSES
from domain.models import Order, OrderLine, keeps_promise


@dataclass(frozen=True)
class Allocation:
    order: Order
    line: OrderLine
    quantity: float


async def orders_waiting_for(session: AsyncSession, product_id: int) -> list[Order]:
    """Open orders with a line of the sku not fully made, earliest promised date first."""
    rows = await session.scalars(
        select(Order)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            OrderLine.product_id == product_id,
            keeps_promise(OPEN_STATUSES),
            OrderLine.quantity_to_make > 0,
        )
        .options(selectinload(Order.lines), selectinload(Order.customer))
        .order_by(Order.promised_date.is_(None), Order.promised_date, Order.id)
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )
    return list(rows.unique())


def allocate(orders: list[Order], product_id: int, quantity: float) -> list[Allocation]:
    """Fill each order's open quantity of the sku in turn; what is left over stays as free stock."""
    allocations: list[Allocation] = []
    left = quantity
    for order in orders:
        for line in order.lines:
            if left <= 0:
                return allocations
            open_quantity = line.quantity_to_make
            if line.product_id != product_id or open_quantity <= 0:
                continue
            share = min(open_quantity, left)
            line.quantity_made += share
            left -= share
            allocations.append(Allocation(order, line, share))
    return allocations
