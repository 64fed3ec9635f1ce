"""Plain functions that insert rows with a sync Session, for any test that needs a small plant."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.api_keys import create_api_key
from domain.models import (
    Customer,
    CustomerTier,
    Order,
    OrderLine,
    OrderStatus,
    ProcessMaturity,
    Product,
    ProductionLine,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_customer(session: Session, code: str | None = None, tier: CustomerTier = CustomerTier.REGULAR,
                  **fields: object) -> Customer:
    n = _n()
    customer = Customer(code=code or f"C{n:05d}", name=fields.pop("name", f"Customer {n}"), tier=tier, **fields)
    session.add(customer)
    session.flush()
    return customer


def make_product(session: Session, sku: str | None = None, *, list_price: Decimal | str = "10.00",
                 unit_cost: Decimal | str = "6.00", **fields: object) -> Product:
    n = _n()
    product = Product(
        sku=sku or f"SKU-{n:05d}",
        name=fields.pop("name", f"Product {n}"),
        family=fields.pop("family", "F1"),
        unit_cost=Decimal(unit_cost),
        list_price=Decimal(list_price),
        maturity=fields.pop("maturity", ProcessMaturity.PROVEN),
        **fields,
    )
    session.add(product)
    session.flush()
    return product


def make_production_line(session: Session, code: str | None = None, weekly_capacity_hours: float = 80.0,
                         **fields: object) -> ProductionLine:
    n = _n()
    line = ProductionLine(code=code or f"L{n:03d}", name=fields.pop("name", f"Line {n}"),
                          weekly_capacity_hours=weekly_capacity_hours, **fields)
    session.add(line)
    session.flush()
    return line


def make_line(product: Product, quantity: float = 10.0, unit_price: Decimal | str | None = None,
              unit_cost: Decimal | str | None = None) -> OrderLine:
    """An order line (not yet added): pass it in make_order(lines=[...]) or append it to order.lines.
    Price and cost default to the product's list price and unit cost."""
    price = Decimal(unit_price) if unit_price is not None else product.list_price
    cost = Decimal(unit_cost) if unit_cost is not None else product.unit_cost
    return OrderLine(product_id=product.id, quantity=quantity, unit_price=price, unit_cost=cost, line_no=0)


LineSpec = tuple[Product, float, Decimal | str | None] | tuple[Product, float, Decimal | str | None, Decimal | str]


def make_order(
    session: Session,
    customer: Customer,
    *,
    code: str | None = None,
    status: OrderStatus = OrderStatus.RECEIVED,
    lines: Sequence[LineSpec] = (),
    requested_date: date | None = None,
    received_at: datetime | None = None,
    **fields: object,
) -> Order:
    """An order with lines given as (product, quantity, unit price or None for the list price[, unit cost])."""
    n = _n()
    order_lines = [make_line(*spec) for spec in lines]
    for i, line in enumerate(order_lines, start=1):
        line.line_no = i
    amount = sum((Decimal(str(line.quantity)) * line.unit_price for line in order_lines), Decimal("0"))
    cost = sum((Decimal(str(line.quantity)) * line.unit_cost for line in order_lines), Decimal("0"))
    order = Order(
        code=code or f"O{n:06d}",
        customer_id=customer.id,
        status=status,
        requested_date=requested_date or date(2025, 1, 6) + timedelta(days=n % 60),
        received_at=received_at or datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
        amount=fields.pop("amount", amount),
        gross_margin=fields.pop("gross_margin", amount - cost),
        lines=order_lines,
        **fields,
    )
    session.add(order)
    session.flush()
    return order


def make_api_key(session: Session, role: str, customers: Sequence[Customer] = (), name: str | None = None) -> str:
    """A key in clear for `Authorization: Bearer <key>`; partner keys need their customers."""
    return create_api_key(session, role, name, [c.code for c in customers])
