"""Row factories for the KPI scenarios: each adds one row with plain defaults and flushes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

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

_codes = count(1)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in UTC, the way every timestamp is stored."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def customer(session: Session, code: str = "C1", tier: CustomerTier = CustomerTier.REGULAR) -> Customer:
    row = Customer(code=code, name=f"Customer {code}", tier=tier)
    session.add(row)
    session.flush()
    return row


def product(
    session: Session, sku: str = "P1", family: str = "F1", unit_cost: str = "10", on_hand: float = 0.0
) -> Product:
    row = Product(
        sku=sku,
        name=f"Product {sku}",
        family=family,
        unit_cost=Decimal(unit_cost),
        list_price=Decimal(unit_cost) * 2,
        maturity=ProcessMaturity.PROVEN,
        on_hand=on_hand,
    )
    session.add(row)
    session.flush()
    return row


def line(session: Session, code: str = "L1", weekly_hours: float = 80.0) -> ProductionLine:
    row = ProductionLine(code=code, name=f"Line {code}", weekly_capacity_hours=weekly_hours)
    session.add(row)
    session.flush()
    return row


def order(
    session: Session,
    who: Customer,
    status: OrderStatus,
    *,
    requested: date = date(2024, 1, 15),
    promised: date | None = None,
    received_at: datetime = datetime(2023, 12, 1, tzinfo=UTC),
    scheduled_at: datetime | None = None,
    completed_at: datetime | None = None,
    shipped_at: datetime | None = None,
    amount: str = "100",
    rush: bool = False,
    lines: list[tuple[Product, float, str]] | None = None,
    **extra: object,
) -> Order:
    """lines: (product, quantity, unit cost) each."""
    row = Order(
        code=f"O-{next(_codes)}",
        customer_id=who.id,
        status=status,
        requested_date=requested,
        promised_date=promised,
        received_at=received_at,
        scheduled_at=scheduled_at,
        completed_at=completed_at,
        shipped_at=shipped_at,
        amount=Decimal(amount),
        gross_margin=Decimal("0"),
        rush=rush,
        **extra,
    )
    session.add(row)
    session.flush()
    for number, (item, quantity, unit_cost) in enumerate(lines or [], start=1):
        session.add(
            OrderLine(
                order_id=row.id,
                line_no=number,
                product_id=item.id,
                quantity=quantity,
                unit_price=Decimal(unit_cost) * 2,
                unit_cost=Decimal(unit_cost),
            )
        )
    session.flush()
    return row
