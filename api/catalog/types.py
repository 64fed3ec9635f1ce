"""GraphQL types of the catalogue, built from rows with plain attribute fields (no per-field resolvers)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.core.convert import from_attributes
from api.core.enums import expose_enum
from domain import models
from domain.catalog.queries import StockPosition as StockRow

# Registered once here; fields below annotate with the domain enums themselves.
expose_enum(models.CustomerTier, "CustomerTier", "How the plant ranks a customer; the priority and margin rules "
            "read it.", {
    "STRATEGIC": "Served first when capacity is short (priority tier P1 in the default rules).",
    "KEY": "Served before regular customers (priority tier P3, after rush orders).",
    "REGULAR": "Every other customer (priority tier P4, ranked by margin).",
})
expose_enum(models.ProcessMaturity, "ProcessMaturity", "Whether a product's process is proven (the TECHNOLOGY "
            "criterion of a review).", {
    "PROVEN": "Made before with a known yield: passes the TECHNOLOGY criterion.",
    "NEW": "Not yet validated: the review's TECHNOLOGY criterion fails and the rules decide what follows.",
})


@strawberry.type(description="A customer of the plant. A partner key sees only its own customers.")
class Customer:
    code: str = strawberry.field(description="The customer's code, unique; what orders name in customerCode.")
    name: str = strawberry.field(description="The customer's name.")
    tier: models.CustomerTier = strawberry.field(
        description="How the plant ranks the customer: the priority and margin rules read it.")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Customer) -> Customer:
        return from_attributes(cls, row, pk=row.id)


@strawberry.type(
    description="A finished product the plant makes and sells, with its cost, price and stock. A partner reads sku,"
                " name, family, listPrice and maturity only (the rest is FORBIDDEN)."
)
class Product:
    sku: str = strawberry.field(
        description="Stock-keeping unit code, unique; what order lines, plans and stock name.")
    name: str = strawberry.field(description="The product's name.")
    family: str = strawberry.field(description="The product family, for forecasts and targets per family.")
    unit_cost: Decimal = strawberry.field(
        description="Cost to make one unit, in the company currency. Not for partners (FORBIDDEN).")
    list_price: Decimal = strawberry.field(
        description="Price per unit in the company currency when an order line gives none.")
    maturity: models.ProcessMaturity = strawberry.field(
        description="Whether its process is proven or new: the TECHNOLOGY criterion of a review reads it.")
    safety_stock: float = strawberry.field(
        description="Units of finished goods to keep at least; below it an alert is raised (R10). Not for partners.")
    on_hand: float = strawberry.field(
        description="Units in finished-goods stock now, not yet shipped. Not for partners (FORBIDDEN).")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Product) -> Product:
        return from_attributes(cls, row, pk=row.id)


@strawberry.type(
    description="A production line of the plant, whose hours plans and reviews share out. Not for partners."
)
class ProductionLine:
    code: str = strawberry.field(
        description="The line's code, unique (e.g. `L01`); what plans, loads and progress reports name.")
    name: str = strawberry.field(description="The line's name.")
    weekly_capacity_hours: float = strawberry.field(
        description="Hours the line can run in a normal week, before overtime and incidents.")

    @classmethod
    def from_row(cls, row: models.ProductionLine) -> ProductionLine:
        return from_attributes(cls, row)


@strawberry.type(description="Finished-goods stock of one product against its safety stock (R10). Not for partners.")
class StockPosition:
    sku: str = strawberry.field(description="The product's stock-keeping unit code.")
    on_hand: float = strawberry.field(description="Units in finished-goods stock now.")
    safety_stock: float = strawberry.field(description="Units to keep at least.")
    below_safety_stock: bool = strawberry.field(
        description="True when onHand is below safetyStock, which raises a SAFETY_STOCK alert.")
    substitutes: list[str] = strawberry.field(description="Substitute skus that are in stock now.")

    @classmethod
    def from_row(cls, row: StockRow) -> StockPosition:
        return from_attributes(cls, row, substitutes=row.substitutes_in_stock)
