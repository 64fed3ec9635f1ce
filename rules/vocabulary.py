"""The closed, typed vocabulary of facts that rule files may test, and the operators per type."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class FieldType:
    """kind is one of: money, number, int, bool, enum, text."""

    kind: str
    choices: tuple[str, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number", "int")

    def accepts(self, value: Any) -> bool:
        # bool is an int in Python, but durable-rules compares True as 1: never let it pass as a number
        if isinstance(value, bool):
            return self.kind == "bool"
        if self.kind == "int":
            return isinstance(value, int)
        if self.numeric:
            return isinstance(value, (int, float, Decimal))
        if self.kind == "enum":
            return isinstance(value, str) and value in self.choices
        if self.kind == "text":
            return isinstance(value, str)
        return False

    def describe(self) -> str:
        if self.kind == "enum":
            return "one of " + "|".join(self.choices)
        return {"money": "a number (money)", "number": "a number", "int": "a whole number",
                "bool": "true or false", "text": "a text"}[self.kind]


def not_finite(value: Any) -> str | None:
    """'.nan (not a number)' or '.inf (infinity)' for what YAML reads from .nan/.inf, else None.

    Every comparison with NaN is false: a threshold of .nan would silently never (or always) apply."""
    if not isinstance(value, float) or math.isfinite(value):
        return None
    if math.isnan(value):
        return ".nan (not a number)"
    return f"{'-' if value < 0 else ''}.inf (infinity)"


MONEY = FieldType("money")
NUMBER = FieldType("number")
INT = FieldType("int")
BOOL = FieldType("bool")
TEXT = FieldType("text")


def enum(*choices: str) -> FieldType:
    return FieldType("enum", tuple(choices))


CUSTOMER_TIERS = enum("STRATEGIC", "KEY", "REGULAR")

FIELDS: dict[str, FieldType] = {
    "order.amount": MONEY,
    "order.quantity": NUMBER,
    "order.days_to_due": INT,
    "order.line_count": INT,
    "order.rush": BOOL,
    "order.cause": enum("DEMAND_ABOVE_FORECAST", "CUSTOMER_CHANGE", "INTERNAL"),
    "customer.tier": CUSTOMER_TIERS,
    "customer.code": TEXT,
    "customer.price_sensitivity": NUMBER,
    "product.maturity": enum("PROVEN", "NEW"),
    "product.family": TEXT,
    "product.runs_made": INT,
    "product.units_made": NUMBER,
    "capacity.fits": BOOL,
    "capacity.days_late": INT,
    "capacity.splittable_share": NUMBER,
    "capacity.rush_reserve_fits": BOOL,
    "stock.covered_share": NUMBER,
    "material.fits": BOOL,
    "material.short_quantity": NUMBER,
    "margin.pct": NUMBER,
    "rush.tier": TEXT,
    "forecast.excess_pct": NUMBER,
    "adjustment.cost": MONEY,
}

# Facts added after reviews were stored, with the value an order reviewed before them had: so stored facts
# still replay (backtest) and a caller that does not know the fact gets the old verdict. order.rush: the review
# rules read it since REJECT-MARGIN spares a rush order's thin margin; a caller without it reviews a regular order.
FACT_DEFAULTS: dict[str, Any] = {"product.runs_made": 0, "product.units_made": 0.0, "order.rush": False}

COMPARISONS = (">", ">=", "<", "<=", "==", "!=")
OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {
    "money": (*COMPARISONS, "between", "in", "not_in"),
    "number": (*COMPARISONS, "between", "in", "not_in"),
    "int": (*COMPARISONS, "between", "in", "not_in"),
    "bool": ("==", "!="),
    "enum": ("==", "!=", "in", "not_in"),
    "text": ("==", "!=", "in", "not_in"),
}
ALL_OPERATORS = (*COMPARISONS, "between", "not_in", "in")


def engine_key(field: str) -> str:
    """The key a field has inside a durable-rules fact (dots would be read as nesting)."""
    return field.replace(".", "__")


def field_of(key: str) -> str:
    """The field an engine key stands for: engine_key's inverse."""
    return key.replace("__", ".")
