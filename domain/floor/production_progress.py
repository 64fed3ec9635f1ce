"""Units made close production orders (R10, R11): a released stock order is filled by what no customer order took,
earliest due first; an order's released one is DONE once its order line has nothing left to make."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.floor.allocation import Allocation
from domain.models import ProductionOrder, ProductionOrderStatus

UNIT_TOLERANCE = 1e-6


async def count_against_production_orders(session: AsyncSession, product_id: int, made: float,
                                          allocations: Sequence[Allocation]) -> list[ProductionOrder]:
    """Count the report against the sku's released production orders; returns those that became DONE."""
    done: list[ProductionOrder] = []
    finished_lines = {(a.order.id, a.line.product_id) for a in allocations if a.line.quantity_to_make <= UNIT_TOLERANCE}
    if finished_lines:
        for row in await session.scalars(select(ProductionOrder).where(
            ProductionOrder.status == ProductionOrderStatus.RELEASED, ProductionOrder.product_id == product_id,
            ProductionOrder.order_id.in_({order_id for order_id, _ in finished_lines}),
        )):
            row.quantity_made, row.status = row.quantity, ProductionOrderStatus.DONE
            done.append(row)
    left = made - sum(a.quantity for a in allocations)
    if left <= UNIT_TOLERANCE:
        return done
    for row in await session.scalars(select(ProductionOrder).where(
        ProductionOrder.status == ProductionOrderStatus.RELEASED, ProductionOrder.product_id == product_id,
        ProductionOrder.order_id.is_(None),
    ).order_by(ProductionOrder.due_date, ProductionOrder.id).with_for_update()):
        share = min(row.quantity - row.quantity_made, left)
        row.quantity_made += share
        left -= share
        if row.quantity - row.quantity_made <= UNIT_TOLERANCE:
            row.status = ProductionOrderStatus.DONE
            done.append(row)
        if left <= UNIT_TOLERANCE:
            break
    return done
