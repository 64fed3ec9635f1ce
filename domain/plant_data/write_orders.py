"""Enters the open orders of the files and books them on the capacity ledger through the createOrder promise path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import Customer, CustomerTier, Delivery, DeliveryStatus, Order, OrderLine, OrderStatus, Product
from domain.orders import BookingReport, book_open_orders_in_batch
from domain.plant_data.data import OrderIn, PlantData

# Strategic accounts first, then key accounts; margin breaks ties (as the demo's open orders are ranked).
TIER_SCORE = {CustomerTier.STRATEGIC: ("P1", 80.0), CustomerTier.KEY: ("P2", 50.0), CustomerTier.REGULAR: ("P3", 20.0)}


def _order(code: str, spec: OrderIn, customer: Customer, products: dict[str, Product], actor: str) -> Order:
    order = Order(code=code, customer_id=customer.id, status=OrderStatus.RECEIVED, requested_date=spec.requested_date,
                  promised_date=spec.requested_date, created_by=actor, version=1)
    amount = cost = Decimal(0)
    for line_no, (sku, quantity, price) in enumerate(spec.lines, start=1):
        product = products[sku]
        unit_price = product.list_price if price is None else price
        order.lines.append(OrderLine(line_no=line_no, product_id=product.id, quantity=quantity, unit_price=unit_price,
                                     unit_cost=product.unit_cost, quantity_made=0.0, quantity_shipped=0.0,
                                     quantity_from_stock=0.0))
        amount += unit_price * Decimal(str(quantity))
        cost += product.unit_cost * Decimal(str(quantity))
    order.amount, order.gross_margin = amount, amount - cost
    margin_pct = float((amount - cost) / amount * 100) if amount else 0.0
    order.priority_tier, base = TIER_SCORE[customer.tier]
    order.priority_score = round(base + min(20.0, max(0.0, margin_pct / 2)), 1)
    return order


async def enter_orders(session: AsyncSession, data: PlantData, known_orders: set[str], actor: str) -> int:
    """New orders only (a code already stored is left as it is: changes go through updateOrder), accepted at
    their requested date; returns how many were entered. Booking them is the next step."""
    new = {code: spec for code, spec in data.orders.items() if code not in known_orders}
    if not new:
        return 0
    customers = {c.code: c for c in await session.scalars(
        select(Customer).where(Customer.code.in_({s.customer for s in new.values()})))}
    products = {p.sku: p for p in await session.scalars(
        select(Product).where(Product.sku.in_({sku for s in new.values() for sku, _, _ in s.lines})))}
    orders = [(_order(code, spec, customers[spec.customer], products, actor), spec) for code, spec in new.items()]
    session.add_all(order for order, _ in orders)
    await session.flush()  # one flush for all: order and line ids for the deliveries and events
    for order, spec in orders:
        session.add_all(Delivery(order_id=order.id, order_line_id=line.id, quantity=line.quantity,
                                 date=spec.requested_date, status=DeliveryStatus.PROMISED) for line in order.lines)
        record_order_event(session, order, kinds.CREATED, actor=actor, to_status=OrderStatus.ACCEPTED,
                           message=f"open order imported, requested for {spec.requested_date.isoformat()}")
    await session.flush()
    return len(orders)


async def book_orders(session: AsyncSession, today: date, reserve_share: float, frozen_days: int,
                      actor: str) -> BookingReport:
    """The same promise path as createOrder: each open order without hours takes the earliest hours the lines
    have, highest priority first; a requested date the lines cannot keep moves later with an AT_RISK event.
    In one batch (book_open_orders_in_batch): the same promises as booking them one by one, in bulk writes."""
    return await book_open_orders_in_batch(session, today, reserve_share, frozen_days, actor=actor)
