"""A small plant for order scenarios: one line of 40 h a week, a proven, a new and a thin-margin product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.models import (
    BomItem,
    Customer,
    CustomerTier,
    Material,
    MaterialReceipt,
    ProcessMaturity,
    Product,
    ProductionLine,
    Role,
    Routing,
    product_substitutes,
)
from domain.orders.inputs import LineInput, OrderInput

PLANNER = Principal(1, "planner-test", Role.PLANNER)
# A Thursday: the frozen window (Monday to Wednesday) is over, so Thursday and Friday are open.
# The line makes 10 units an hour, 8 hours a day: 12% reserve leaves 35.2 regular hours a week,
# i.e. 140.8 regular units this week (2 open days) and 352 every following week.
TODAY = date(2025, 3, 6)
WEEK_REGULAR_UNITS = 352.0
THIS_WEEK_REGULAR_UNITS = 140.8
THIS_WEEK_RESERVE_UNITS = 19.2


@dataclass
class Plant:
    line: ProductionLine
    widget: Product  # proven, 40% margin at list price
    prototype: Product  # a NEW process
    thin: Product  # 3% margin at list price
    spare: Product  # the widget's substitute, 500 in stock
    steel: Material
    regular: Customer
    key: Customer
    strategic: Customer


async def build_plant(session: AsyncSession) -> Plant:
    line = ProductionLine(code="L1", name="Line 1", weekly_capacity_hours=40.0, working_days="1111100")
    steel = Material(code="M-STEEL", name="Steel", on_hand=100000.0, lead_time_days=10, key_component=True)

    def product(sku: str, cost: str, price: str, maturity: ProcessMaturity = ProcessMaturity.PROVEN,
                on_hand: float = 0.0) -> Product:
        return Product(sku=sku, name=sku, family="widgets", unit_cost=Decimal(cost), list_price=Decimal(price),
                       maturity=maturity, on_hand=on_hand)

    widget, prototype = product("W-1", "6", "10"), product("P-1", "6", "10", ProcessMaturity.NEW)
    thin, spare = product("T-1", "9.70", "10"), product("S-1", "6", "10", on_hand=500.0)
    regular = Customer(code="REG", name="Regular Co", tier=CustomerTier.REGULAR)
    key = Customer(code="KEY", name="Key Co", tier=CustomerTier.KEY)
    strategic = Customer(code="STRAT", name="Strategic Co", tier=CustomerTier.STRATEGIC)
    session.add_all([line, steel, widget, prototype, thin, spare, regular, key, strategic])
    await session.flush()
    for p in (widget, prototype, thin, spare):
        session.add(Routing(line_id=line.id, product_id=p.id, units_per_hour=10.0))
        session.add(BomItem(product_id=p.id, material_id=steel.id, quantity_per_unit=1.0))
    await session.execute(product_substitutes.insert().values(product_id=widget.id, substitute_id=spare.id))
    await session.commit()
    return Plant(line, widget, prototype, thin, spare, steel, regular, key, strategic)


async def short_of_steel(session: AsyncSession, plant: Plant, on_hand: float, receipt: tuple[date, float],
                         lead_time_days: int = 60) -> None:
    plant.steel.on_hand = on_hand
    plant.steel.lead_time_days = lead_time_days
    session.add(MaterialReceipt(material_id=plant.steel.id, due_date=receipt[0], quantity=receipt[1]))
    await session.commit()


def order(customer: str, requested: date, *lines: tuple[str, float] | tuple[str, float, str],
          key: str | None = None, code: str | None = None) -> OrderInput:
    return OrderInput(
        customer_code=customer, requested_date=requested, code=code, idempotency_key=key,
        lines=tuple(LineInput(ln[0], ln[1], Decimal(ln[2]) if len(ln) > 2 else None) for ln in lines),  # type: ignore[misc]
    )
