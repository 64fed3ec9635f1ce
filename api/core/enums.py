"""Register a domain enum as a GraphQL enum with a description on the type and on every value."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import strawberry


def expose_enum(cls: type[enum.Enum], name: str, description: str, values: Mapping[str, str]) -> None:
    """The domain keeps plain enums (it knows nothing of GraphQL); the words a frontend reads live here.

    Every member must be described, and nothing else: a member added in the domain fails at import, naming it."""
    strawberry.enum(cls, name=name, description=description)
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    members = {value.name for value in definition.values}
    if members != set(values):
        undescribed, unknown = sorted(members - set(values)), sorted(set(values) - members)
        raise ValueError(f"{name}: undescribed {undescribed}, unknown {unknown}")
    for value in definition.values:
        value.description = values[value.name]
