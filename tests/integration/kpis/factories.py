"""The KPI scenarios' shorthand over tests/factories.py: fixed codes, dates in 2023-2024, a price twice the cost."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.models import Customer, CustomerTier, Order, OrderStatus, Product, ProductionLine
from tests.factories import make_customer, make_order, make_product, make_production_line


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant in UTC, the way every timestamp is stored."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def customer(session: Session, code: str = "C1", tier: CustomerTier = CustomerTier.REGULAR) -> Customer:
    return make_customer(session, code, tier, name=f"Customer {code}")


def product(
    session: Session, sku: str = "P1", family: str = "F1", unit_cost: str = "10", on_hand: float = 0.0
) -> Product:
    return make_product(
        session, sku, unit_cost=unit_cost, list_price=Decimal(unit_cost) * 2, family=family, on_hand=on_hand
    )


def line(session: Session, code: str = "L1", weekly_hours: float = 80.0) -> ProductionLine:
    return make_production_line(session, code, weekly_hours)


def order(
    session: Session,
    who: Customer,
    status: OrderStatus,
    *,
    requested: date = date(2024, 1, 15),
    promised: date | None = None,
    received_at: datetime = datetime(2023, 12, 1, tzinfo=UTC),
    amount: str = "100",
    lines: list[tuple[Product, float, str]] | None = None,
    **extra: object,
) -> Order:
    """lines: (product, quantity, unit cost) each, sold at twice the cost; amount and margin are given, not summed."""
    return make_order(
        session,
        who,
        status=status,
        requested_date=requested,
        promised_date=promised,
        received_at=received_at,
        amount=Decimal(amount),
        gross_margin=Decimal("0"),
        lines=[(item, quantity, Decimal(cost) * 2, cost) for item, quantity, cost in lines or []],
        **extra,
    )
