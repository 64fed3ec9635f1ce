"""Relay global object identification: opaque ids "Type:pk" in base64, and the Node interface."""

from __future__ import annotations

import base64
import binascii

import strawberry

from api.core.errors import argument_error


@strawberry.interface(description="An object that can be fetched again by its global id with `node(id)`.")
class Node:
    id: strawberry.ID


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode())


def parse_global_id(value: str, argument: str = "id") -> tuple[str, int]:
    try:
        type_name, _, pk = base64.urlsafe_b64decode(value.encode()).decode().partition(":")
        return type_name, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise argument_error(argument, "not an id returned by this API") from None
