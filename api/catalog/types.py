"""GraphQL types of the catalogue, built from rows with plain attribute fields (no per-field resolvers)."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.core.convert import from_attributes
from domain import models
from domain.catalog.queries import StockPosition as StockRow

# Registered once here; fields below annotate with the domain enums themselves.
strawberry.enum(models.CustomerTier, name="CustomerTier")
strawberry.enum(models.ProcessMaturity, name="ProcessMaturity")


@strawberry.type
class Customer:
    code: str
    name: str
    tier: models.CustomerTier
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Customer) -> Customer:
        return from_attributes(cls, row, pk=row.id)


@strawberry.type
class Product:
    sku: str
    name: str
    family: str
    unit_cost: Decimal
    list_price: Decimal
    maturity: models.ProcessMaturity
    safety_stock: float
    on_hand: float
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Product) -> Product:
        return from_attributes(cls, row, pk=row.id)


@strawberry.type
class ProductionLine:
    code: str
    name: str
    weekly_capacity_hours: float

    @classmethod
    def from_row(cls, row: models.ProductionLine) -> ProductionLine:
        return from_attributes(cls, row)


@strawberry.type
class StockPosition:
    sku: str
    on_hand: float
    safety_stock: float
    below_safety_stock: bool
    substitutes: list[str] = strawberry.field(description="Substitute skus that are in stock now.")

    @classmethod
    def from_row(cls, row: StockRow) -> StockPosition:
        return from_attributes(cls, row, substitutes=row.substitutes_in_stock)
