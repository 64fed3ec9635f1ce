"""The plant data as read and checked from the files, keyed as the database keys it; no database here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

Values = dict[str, Any]  # column values of one row, named as the model's attributes


@dataclass
class OrderIn:
    customer: str
    requested_date: date
    lines: list[tuple[str, float, Decimal | None]] = field(default_factory=list)  # sku, quantity, unit price


@dataclass
class KnownCodes:
    """Codes already in the database: a file may refer to them without listing them again (an upsert)."""

    customers: set[str] = field(default_factory=set)
    products: set[str] = field(default_factory=set)
    materials: set[str] = field(default_factory=set)
    lines: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)


@dataclass
class PlantData:
    customers: dict[str, Values] = field(default_factory=dict)
    products: dict[str, Values] = field(default_factory=dict)
    substitutes: dict[str, list[str]] = field(default_factory=dict)  # only for products whose cell was given
    materials: dict[str, Values] = field(default_factory=dict)
    bom: dict[tuple[str, str], float] = field(default_factory=dict)
    lines: dict[str, Values] = field(default_factory=dict)
    routings: dict[tuple[str, str], float] = field(default_factory=dict)
    holidays: set[tuple[date, str | None]] = field(default_factory=set)
    stock: dict[str, float] = field(default_factory=dict)
    receipts: list[tuple[str, float, date]] = field(default_factory=list)
    forecasts: dict[tuple[str, date], tuple[float, float, float]] = field(default_factory=dict)
    orders: dict[str, OrderIn] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"customers": len(self.customers), "products": len(self.products), "materials": len(self.materials),
                "bom": len(self.bom), "lines": len(self.lines), "routings": len(self.routings),
                "holidays": len(self.holidays), "stock": len(self.stock), "receipts": len(self.receipts),
                "forecasts": len(self.forecasts), "orders": len(self.orders),
                "order lines": sum(len(o.lines) for o in self.orders.values())}
