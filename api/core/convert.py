"""Build a GraphQL type from a domain row whose attributes carry the type's field names."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")

_REQUIRED: dict[type, tuple[str, ...]] = {}


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


def from_attributes(cls: type[T], row: object, **given: Any) -> T:
    """cls(...) with each field from `given` when named there, else from the row's attribute of the same name.

    A row without one of the type's fields fails here with AttributeError naming it, not later in a query."""
    values = dict(given)
    for name in _required_fields(cls):
        if name not in values:
            values[name] = getattr(row, name)
    return cls(**values)
