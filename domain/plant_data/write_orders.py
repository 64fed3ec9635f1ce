"""Enters the open orders of the files and books them on the capacity ledger through the createOrder promise path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bulk_rows import insert_rows, new_ids
from domain.events import kinds
from domain.models import (
    Customer,
    CustomerTier,
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Product,
    utcnow,
)
from domain.orders import BookingReport, book_open_orders_in_batch
from domain.plant_data.data import OrderIn, PlantData
from rules import RuleBook

ORDERS, LINES = cast(Table, Order.__table__), cast(Table, OrderLine.__table__)
DELIVERIES, EVENTS = cast(Table, Delivery.__table__), cast(Table, OrderEvent.__table__)
# Strategic accounts first, then key accounts; margin breaks ties (as the demo's open orders are ranked).
TIER_SCORE = {CustomerTier.STRATEGIC: ("P1", 80.0), CustomerTier.KEY: ("P2", 50.0), CustomerTier.REGULAR: ("P3", 20.0)}
Price = tuple[int, Decimal, Decimal]  # product id, list price, unit cost


def _order_row(order_id: int, code: str, spec: OrderIn, customer: tuple[int, CustomerTier],
               products: dict[str, Price], actor: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The order (ACCEPTED at its requested date, version 2 after its CREATED event) and its line rows."""
    lines, amount, cost = [], Decimal(0), Decimal(0)
    for line_no, (sku, quantity, price) in enumerate(spec.lines, start=1):
        product_id, list_price, unit_cost = products[sku]
        unit_price = list_price if price is None else price
        lines.append({"order_id": order_id, "line_no": line_no, "product_id": product_id, "quantity": quantity,
                      "unit_price": unit_price, "unit_cost": unit_cost, "quantity_made": 0.0,
                      "quantity_shipped": 0.0, "quantity_from_stock": 0.0})
        amount += unit_price * Decimal(str(quantity))
        cost += unit_cost * Decimal(str(quantity))
    margin_pct = float((amount - cost) / amount * 100) if amount else 0.0
    tier, base = TIER_SCORE[customer[1]]
    order = {"id": order_id, "code": code, "customer_id": customer[0], "status": OrderStatus.ACCEPTED,
             "requested_date": spec.requested_date, "promised_date": spec.requested_date, "created_by": actor,
             "version": 2, "amount": amount, "gross_margin": amount - cost, "priority_tier": tier,
             "priority_score": round(base + min(20.0, max(0.0, margin_pct / 2)), 1)}
    return order, lines


async def enter_orders(session: AsyncSession, data: PlantData, known_orders: set[str], actor: str) -> int:
    """New orders only (a code already stored is left as it is: changes go through updateOrder), accepted at
    their requested date with a PROMISED delivery per line and a CREATED event; returns how many were entered.
    Rows in bulk (COPY on PostgreSQL): a plant brings its open book of tens of thousands of lines at once.
    Booking them is the next step."""
    new = {code: spec for code, spec in data.orders.items() if code not in known_orders}
    if not new:
        return 0
    customers = {code: (cid, tier) for cid, code, tier in await session.execute(
        select(Customer.id, Customer.code, Customer.tier).where(Customer.code.in_({s.customer for s in new.values()})))}
    products = {sku: (pid, price, cost) for pid, sku, price, cost in await session.execute(
        select(Product.id, Product.sku, Product.list_price, Product.unit_cost)
        .where(Product.sku.in_({sku for s in new.values() for sku, _, _ in s.lines})))}
    order_ids = await new_ids(session, ORDERS, len(new))
    orders, lines, events = [], [], []
    at = utcnow()
    for order_id, (code, spec) in zip(order_ids, new.items(), strict=True):
        order, order_lines = _order_row(order_id, code, spec, customers[spec.customer], products, actor)
        orders.append(order)
        lines.extend(order_lines)
        events.append({"order_id": order_id, "order_code": code, "customer_id": order["customer_id"],
                       "kind": kinds.CREATED, "at": at, "actor": actor, "from_status": OrderStatus.RECEIVED,
                       "to_status": OrderStatus.ACCEPTED, "before": None, "after": None,
                       "message": f"open order imported, requested for {spec.requested_date.isoformat()}"})
    requested = {order["id"]: order["requested_date"] for order in orders}
    line_ids = await new_ids(session, LINES, len(lines))
    deliveries = []
    for line_id, line in zip(line_ids, lines, strict=True):
        line["id"] = line_id
        deliveries.append({"order_id": line["order_id"], "order_line_id": line_id, "quantity": line["quantity"],
                           "date": requested[line["order_id"]], "status": DeliveryStatus.PROMISED})
    for table, rows in ((ORDERS, orders), (LINES, lines), (DELIVERIES, deliveries), (EVENTS, events)):
        await insert_rows(session, table, rows)
    return len(orders)


async def book_orders(session: AsyncSession, book: RuleBook, today: date, actor: str) -> BookingReport:
    """The same review and promise path as createOrder: each open order without hours takes the earliest hours the
    lines have, highest priority first; a requested date the lines cannot keep moves later with an AT_RISK event;
    then review.yaml reviews it, and one it would not accept as it stands gets an ORDER_REVIEW alert (it stays
    booked: the plant promised it before). In one batch (book_open_orders_in_batch): the same promises as booking
    them one by one, in bulk writes; the capacity policy's reserve and frozen window from the rule book."""
    policy = book.capacity_policy()
    return await book_open_orders_in_batch(session, today, policy.reserve_share, policy.frozen_days, actor=actor,
                                           review=book)
