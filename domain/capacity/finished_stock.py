"""Finished units open orders hold on the shelf (made for them or taken from stock, not shipped): one definition
for promises, the weekly plan's starting stock and the ledger checker."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from domain.models import Order, OrderLine, OrderStatus, keeps_promise

# Orders whose finished units (made for them or taken from stock) wait on the shelf for them.
# RECEIVED: an order waiting for sign-offs holds the stock its acceptance would take (domain/orders/holds.py).
HOLDS_STOCK = (OrderStatus.RECEIVED, OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION,
               OrderStatus.IN_STOCK)


def held_for_orders() -> Select[int, float]:
    """Finished units per product that open orders hold and have not shipped."""
    return (
        select(OrderLine.product_id, func.sum(OrderLine.quantity_ready))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.holds_units, keeps_promise(HOLDS_STOCK))  # a line without units ready adds 0
        .group_by(OrderLine.product_id)
    )
