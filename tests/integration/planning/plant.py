"""A tiny plant for planning tests: 2 lines, 3 products, forecasts and accepted orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.models import (
    Customer,
    CustomerTier,
    Forecast,
    Order,
    OrderLine,
    OrderStatus,
    ProcessMaturity,
    Product,
    ProductionLine,
    Routing,
)

TODAY = date(2026, 11, 24)  # a Tuesday: the running week is frozen


def build_plant(session: Session, today: date = TODAY, weeks: int = 4) -> dict[str, int]:
    lines = [
        ProductionLine(code="L1", name="Line 1", weekly_capacity_hours=80.0, max_overtime_hours=8.0),
        ProductionLine(code="L2", name="Line 2", weekly_capacity_hours=40.0, max_overtime_hours=0.0),
    ]
    products = [
        Product(
            sku=f"SKU-{i}",
            name=f"Product {i}",
            family="A" if i < 2 else "B",
            unit_cost=Decimal("10.00"),
            list_price=Decimal("15.00"),
            maturity=ProcessMaturity.PROVEN,
            safety_stock=5.0,
            on_hand=10.0,
        )
        for i in range(3)
    ]
    customer = Customer(code="C1", name="Customer 1", tier=CustomerTier.REGULAR)
    session.add_all([*lines, *products, customer])
    session.flush()
    session.add_all(
        [
            Routing(line_id=lines[0].id, product_id=products[0].id, units_per_hour=10.0),
            Routing(line_id=lines[0].id, product_id=products[1].id, units_per_hour=5.0),
            Routing(line_id=lines[1].id, product_id=products[1].id, units_per_hour=4.0),
            Routing(line_id=lines[1].id, product_id=products[2].id, units_per_hour=8.0),
        ]
    )
    monday = week_start(today)
    for w in range(weeks):
        for p in products:
            session.add(Forecast(product_id=p.id, week=monday + timedelta(weeks=w), low=50.0, mid=100.0, high=150.0))
    received = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=1)
    for n, (product, quantity) in enumerate([(products[0], 120.0), (products[2], 60.0)]):
        order = Order(
            code=f"O-{n}",
            customer_id=customer.id,
            status=OrderStatus.ACCEPTED,
            requested_date=monday + timedelta(days=11),
            promised_date=monday + timedelta(days=11),
            amount=Decimal("1000.00"),
            gross_margin=Decimal("300.00"),
            received_at=received,
        )
        order.lines = [
            OrderLine(
                line_no=1,
                product_id=product.id,
                quantity=quantity,
                unit_price=Decimal("15.00"),
                unit_cost=Decimal("10.00"),
            )
        ]
        session.add(order)
    session.flush()
    return {"L1": lines[0].id, "L2": lines[1].id}
