"""Authentication in one place: `Authorization: Bearer <key>` on HTTP, or in the websocket connection params."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.core.context import Context, NotAuthenticated
from domain.access import Principal, sign_in_with_key

SCHEME = "bearer"


def bearer_key(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, key = authorization.strip().partition(" ")
    return key.strip() or None if scheme.lower() == SCHEME else None


def authorization_of(params: Mapping[str, Any] | None) -> str | None:
    """The Authorization entry of websocket connection params, whatever its capitalisation."""
    for name, value in (params or {}).items():
        if name.lower() == "authorization" and isinstance(value, str):
            return value
    return None


async def sign_in(context: Context, authorization: str | None) -> Principal:
    """Set the caller on the context, or raise NotAuthenticated (no valid key: no data)."""
    key = bearer_key(authorization)
    if key is None:
        raise NotAuthenticated("missing API key: send the header 'Authorization: Bearer <key>'")
    async with context.db() as session:
        found = await sign_in_with_key(session, key)
        principal = found.principal
        if principal is not None and context.rules is not None:
            # A rules reload made by another process is adopted before this request decides anything.
            await context.rules.adopt(session, found.rules_revision)
    if principal is None:
        raise NotAuthenticated("invalid or revoked API key")
    context.principal = principal
    return principal
