"""A tiny plant for floor scenarios: two lines, a few skus with substitutes, materials, customers and orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.models import (
    BomItem,
    CapacityLedger,
    CapacityReservation,
    CurrentPlan,
    Customer,
    CustomerTier,
    ForecastTier,
    Material,
    Order,
    OrderLine,
    OrderStatus,
    Plan,
    PlanItem,
    ProcessMaturity,
    Product,
    ProductionLine,
    Role,
    Routing,
    product_substitutes,
)

MES = Principal(1, "mes-test", Role.MES)
PLANNER = Principal(2, "planner-test", Role.PLANNER)
TODAY = date(2026, 6, 3)  # a Wednesday
MONDAY = date(2026, 6, 1)


@dataclass
class Plant:
    line: ProductionLine
    other_line: ProductionLine
    widget: Product
    gadget: Product  # the widget's substitute
    steel: Material
    strategic: Customer
    regular: Customer


async def build_plant(session: AsyncSession) -> Plant:
    line = ProductionLine(code="L1", name="Line 1", weekly_capacity_hours=100.0, working_days="1111100")
    other = ProductionLine(code="L2", name="Line 2", weekly_capacity_hours=80.0, working_days="1111100")
    widget = Product(
        sku="W-1", name="Widget", family="widgets", unit_cost=Decimal("5"), list_price=Decimal("9"),
        maturity=ProcessMaturity.PROVEN, safety_stock=50.0, on_hand=60.0, work_in_progress=40.0,
    )
    gadget = Product(
        sku="G-1", name="Gadget", family="widgets", unit_cost=Decimal("6"), list_price=Decimal("10"),
        maturity=ProcessMaturity.PROVEN, safety_stock=0.0, on_hand=25.0,
    )
    steel = Material(code="STEEL", name="Steel sheet", on_hand=100.0, lead_time_days=10)
    strategic = Customer(code="C-STRAT", name="Strategic Co", tier=CustomerTier.STRATEGIC)
    regular = Customer(code="C-REG", name="Regular Co", tier=CustomerTier.REGULAR)
    session.add_all([line, other, widget, gadget, steel, strategic, regular])
    await session.flush()
    session.add_all([
        Routing(line_id=line.id, product_id=widget.id, units_per_hour=10.0),
        Routing(line_id=other.id, product_id=widget.id, units_per_hour=20.0),
        Routing(line_id=line.id, product_id=gadget.id, units_per_hour=10.0),
        BomItem(product_id=widget.id, material_id=steel.id, quantity_per_unit=2.0),
    ])
    await session.execute(product_substitutes.insert().values(product_id=widget.id, substitute_id=gadget.id))
    await session.commit()
    return Plant(line, other, widget, gadget, steel, strategic, regular)


async def add_order(
    session: AsyncSession, code: str, customer: Customer, product: Product, quantity: float,
    *, promised: date, status: OrderStatus = OrderStatus.SCHEDULED, priority_score: float = 0.0,
) -> Order:
    order = Order(
        code=code, customer_id=customer.id, status=status, requested_date=promised, promised_date=promised,
        amount=Decimal("9") * Decimal(str(quantity)), gross_margin=Decimal("4") * Decimal(str(quantity)),
        priority_tier=customer.tier.value, priority_score=priority_score,
    )
    session.add(order)
    await session.flush()
    session.add(OrderLine(
        order_id=order.id, line_no=1, product_id=product.id, quantity=quantity,
        unit_price=Decimal("9"), unit_cost=Decimal("5"),
    ))
    await session.commit()
    return order


async def reserve(
    session: AsyncSession, order: Order, line: ProductionLine, week: date, hours: float, quantity: float,
    *, from_reserve: bool = False,
) -> None:
    """Hold hours of a line-week for an order, in its ledger row and its reservation (as a promise would)."""
    row = await ledger_row(session, line, week)
    if from_reserve:
        row.rush_hours_used += hours
    else:
        row.promised_hours += hours
    order_line_id = await session.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id).limit(1))
    assert order_line_id is not None
    session.add(CapacityReservation(
        order_id=order.id, order_line_id=order_line_id, line_id=line.id, week=week, hours=hours,
        quantity=quantity, from_reserve=from_reserve,
    ))
    await session.commit()


async def ledger_row(session: AsyncSession, line: ProductionLine, week: date) -> CapacityLedger:
    """The line-week's ledger row (10% reserve), created as a replan would."""
    row = await session.scalar(
        select(CapacityLedger).where(CapacityLedger.line_id == line.id, CapacityLedger.week == week)
    )
    if row is None:
        row = CapacityLedger(
            line_id=line.id, week=week, capacity_hours=line.weekly_capacity_hours,
            reserve_hours=line.weekly_capacity_hours * 0.1, planned_hours=0.0, promised_hours=0.0,
            rush_hours_used=0.0, lost_hours=0.0,
        )
        session.add(row)
        await session.flush()
    return row


async def plan_in_force(session: AsyncSession, items: list[tuple[ProductionLine, Product, date, float]]) -> Plan:
    plan = Plan(
        version=1, tier=ForecastTier.MID, horizon_start=MONDAY, horizon_weeks=4,
        frozen_until=MONDAY + timedelta(days=2), inputs_fingerprint="test",
    )
    session.add(plan)
    await session.flush()
    for line, product, week, quantity in items:
        session.add(PlanItem(
            plan_id=plan.id, week=week, line_id=line.id, product_id=product.id, quantity=quantity, hours=quantity / 10,
        ))
    session.add(CurrentPlan(id=1, plan_id=plan.id))
    await session.commit()
    return plan
