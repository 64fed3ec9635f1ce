"""Authentication in one place: `Authorization: Bearer <key>` on HTTP, or in the websocket connection params."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.core.context import Context, NotAuthenticated
from domain.access import Principal, record_key_use, sign_in_with_key
from domain.models import utcnow

SCHEME = "bearer"
log = logging.getLogger("api.auth")


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


async def _record_use(context: Context, key_id: int) -> None:
    """last_used_at in a transaction of its own, as the request's session may never commit (reads). Bookkeeping:
    a failure (e.g. lock_timeout while `sop keys revoke` holds the row) is logged, and the request goes on."""
    try:
        async with context.sessions() as session:
            await record_key_use(session, key_id, utcnow())
    except SQLAlchemyError as error:
        log.warning("could not record the last use of API key %s: %s", key_id, error)


async def sign_in(context: Context, authorization: str | None) -> Principal:
    """Set the caller on the context, or raise NotAuthenticated (no valid key: no data)."""
    key = bearer_key(authorization)
    if key is None:
        raise NotAuthenticated("missing API key: send the header 'Authorization: Bearer <key>'")
    now = utcnow()
    async with context.db() as session:
        found = await sign_in_with_key(session, key, now)
        principal = found.principal
        if principal is not None and context.rules is not None:
            # A rules reload made by another process is adopted before this request decides anything.
            await context.rules.adopt(session, found.rules_revision)
    if principal is None:
        raise NotAuthenticated("invalid, revoked or expired API key")
    if found.use_to_record(now):
        await _record_use(context, principal.key_id)
    context.principal = principal
    return principal
