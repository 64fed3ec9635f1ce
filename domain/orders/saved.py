"""A saved order as a review reads it again: its lines in order, its master data and its lines at their prices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Order, OrderLine
from domain.orders.context import OrderContext, load_order_context, order_customer
from domain.orders.facts import PricedLine
from domain.orders.inputs import LineInput
from domain.orders.review import load_lines, priced_lines


@dataclass(frozen=True)
class SavedOrder:
    lines: list[OrderLine]
    context: OrderContext
    priced: list[PricedLine]


async def load_saved(session: AsyncSession, order: Order) -> SavedOrder:
    """What assess needs to review the order again (hold expiry, negotiated rush moves)."""
    lines = await load_lines(session, order.id)
    customer = await order_customer(session, order.customer_id)
    context = await load_order_context(session, customer, [ln.product_id for ln in lines])
    priced = priced_lines(context, [LineInput(p.sku, ln.quantity, ln.unit_price)
                                    for p, ln in zip(context.products, lines, strict=True)])
    return SavedOrder(lines, context, priced)
