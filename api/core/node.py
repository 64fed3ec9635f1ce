"""Relay global object identification: opaque ids "Type:pk" in base64, and the Node interface."""

from __future__ import annotations

import base64
import binascii
import re

import strawberry

from api.core.errors import argument_error
from domain.bounds import MAX_ROW_ID

# ASCII digits only: int() also reads "+5", " 5", "5_0" and other scripts' digits, and "\u00b2".isdigit() holds.
_DIGITS = re.compile(r"[0-9]{1,10}")


@strawberry.interface(description="An object that can be fetched again by its global id with `node(id)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id: pass it to `node(id)` to fetch the object again.")


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def row_id(text: str, argument: str = "id") -> int | None:
    """A row id written in decimal, or None when it cannot be one (not digits, 0, beyond an INTEGER column)."""
    if _DIGITS.fullmatch(text) is None or not 1 <= int(text) <= MAX_ROW_ID:
        return None
    return int(text)


def parse_global_id(value: str, argument: str = "id") -> tuple[str, int]:
    try:
        type_name, _, pk = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise argument_error(argument, "not an id returned by this API") from None
    number = row_id(pk, argument)
    if number is None:
        raise argument_error(argument, "not an id returned by this API")
    return type_name, number
