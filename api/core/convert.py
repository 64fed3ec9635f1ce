"""Build a GraphQL type from a domain row whose attributes carry the type's field names."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any, TypeVar

from domain.bounds import CENT

T = TypeVar("T")

_REQUIRED: dict[type, tuple[str, ...]] = {}
_MONEY: dict[type, frozenset[str]] = {}
# How a Decimal field is annotated in a module with `from __future__ import annotations`.
_DECIMAL_ANNOTATIONS = frozenset({"Decimal", "Decimal | None", "decimal.Decimal", "decimal.Decimal | None"})


def _required_fields(cls: type) -> tuple[str, ...]:
    """The fields cls(...) must be given: no default (defaulted ones are private caches, given by name)."""
    names = _REQUIRED.get(cls)
    if names is None:
        names = _REQUIRED[cls] = tuple(
            field.name
            for field in dataclasses.fields(cls)
            if field.init and field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
    return names


def _money_fields(cls: type) -> frozenset[str]:
    """The fields declared Decimal: money, served with the Decimal scalar the orders use."""
    names = _MONEY.get(cls)
    if names is None:
        names = _MONEY[cls] = frozenset(
            field.name for field in dataclasses.fields(cls) if str(field.type) in _DECIMAL_ANNOTATIONS
            or field.type in (Decimal, Decimal | None)
        )
    return names


def money(value: float | Decimal) -> Decimal:
    """An amount in the company currency to the cent; floats go through their shortest repr, not binary noise."""
    return (value if isinstance(value, Decimal) else Decimal(repr(float(value)))).quantize(CENT)


def from_attributes(cls: type[T], row: object, **given: Any) -> T:
    """cls(...) with each field from `given` when named there, else from the row's attribute of the same name.

    A row without one of the type's fields fails here with AttributeError naming it, not later in a query. Domain
    figures computed in floats (KPI costs, revenue targets) become Decimal in the fields declared Decimal."""
    values = dict(given)
    for name in _required_fields(cls):
        if name not in values:
            values[name] = getattr(row, name)
    for name in _money_fields(cls):
        if isinstance(values.get(name), float | int):
            values[name] = money(values[name])
    return cls(**values)
