"""Authentication in one place: `Authorization: Bearer <key>` on HTTP, or in the websocket connection params."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.core.context import Context, NotAuthenticated
from api.core.oidc import looks_like_jwt
from domain.access import Principal, latest_rules_revision, record_key_use, sign_in_with_key
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


class KeyUses:
    """This process's last-use writes: one at a time per key, so a burst of requests arriving as the minute
    turns (each reading a stale last_used_at) makes one UPDATE, not one per request queued on the key's row."""

    def __init__(self) -> None:
        self._writing: set[int] = set()

    async def record(self, context: Context, key_id: int) -> None:
        """last_used_at in a transaction of its own, as the request's session may never commit (reads).
        Bookkeeping: a failure (e.g. lock_timeout while `sop keys revoke` holds the row) is logged only."""
        if key_id in self._writing:
            return
        self._writing.add(key_id)
        try:
            # The request's session has only read so far: give its connection back first, or a burst of requests
            # each holding one connection and waiting for a second would exhaust the pool.
            await context.close()
            async with context.sessions() as session:
                await record_key_use(session, key_id, utcnow())
        except SQLAlchemyError as error:
            log.warning("could not record the last use of API key %s: %s", key_id, error)
        finally:
            self._writing.discard(key_id)


async def sign_in(context: Context, authorization: str | None) -> Principal:
    """Set the caller on the context, or raise NotAuthenticated (no valid key: no data) or RateLimited (too many
    requests with this key, or too many failed sign-ins from this address). No key at all is not a sign-in."""
    key = bearer_key(authorization)
    if key is None:
        raise NotAuthenticated("missing API key: send the header 'Authorization: Bearer <key>'")
    if context.oidc is not None and looks_like_jwt(key):
        return await _sign_in_with_token(context, key)
    now = utcnow()
    async with context.db() as session:
        found = await sign_in_with_key(session, key, now)
        principal = found.principal
        if principal is not None and context.rules is not None:
            # A rules reload made by another process is adopted before this request decides anything.
            await context.rules.adopt(session, found.rules_revision)
    if principal is None:
        if context.limits is not None:
            # Counted, but the key is still looked up: a valid key from the same address (a plant's gateway
            # carries the ERP and a misconfigured MES alike) keeps working in every process.
            context.limits.failed_sign_in(context.client_address)
        raise NotAuthenticated("invalid, revoked or expired API key")
    if found.use_to_record(now) and context.key_uses is not None:
        await context.key_uses.record(context, principal.key_id)
    if context.limits is not None:
        context.limits.admit(principal.identity)
    context.principal = principal
    return principal


async def _sign_in_with_token(context: Context, token: str) -> Principal:
    """A person's OpenID Connect token: checked off the event loop (the first check fetches the issuer's keys)."""
    assert context.oidc is not None
    try:
        principal = await asyncio.to_thread(context.oidc.principal, token)
    except NotAuthenticated:
        if context.limits is not None:
            context.limits.failed_sign_in(context.client_address)
        raise
    if context.rules is not None:
        async with context.db() as session:
            await context.rules.adopt(session, await latest_rules_revision(session))
    if context.limits is not None:
        context.limits.admit(principal.identity)
    context.principal = principal
    return principal
