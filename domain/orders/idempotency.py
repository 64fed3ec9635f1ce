"""Keyed mutations: the first answer is stored with the change; a retry gets it back and changes nothing.

The record is inserted FIRST in the use case's transaction. The unique constraint on (scope, key) makes
a concurrent retry wait for that transaction (PostgreSQL) or for the write lock (SQLite) and then fail
the insert, after which it reads the committed answer: no check-then-act window.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.bounds import shown
from domain.errors import Busy, IdempotencyMismatch, InvalidInput
from domain.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Replay:
    """The stored first answer of a keyed call."""

    response: dict[str, Any]


def request_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def scope_of(operation: str, principal: Principal) -> str:
    """Keys are the caller's own: two partners may use the same key without meeting."""
    return f"{operation}:{principal.identity}"


async def claim(
    session: AsyncSession, operation: str, principal: Principal, key: str, body: dict[str, Any]
) -> IdempotencyRecord | Replay:
    """Insert the key's record (the caller fills .response before committing) or return the stored answer."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"idempotencyKey must be 1 to {MAX_KEY_LENGTH} characters", ["idempotencyKey"])
    scope, digest = scope_of(operation, principal), request_hash(body)
    record = IdempotencyRecord(scope=scope, key=key, request_hash=digest, response=None)
    session.add(record)
    try:
        await session.flush()
        return record
    except IntegrityError:
        # Called first in the transaction, so rolling back loses nothing; the failed insert may have
        # waited on a twin that has committed since: read it fresh.
        await session.rollback()
    stored = await session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )
    if stored is None or stored.response is None:
        raise Busy(f"a request with idempotencyKey {shown(key)} is still being processed; send it again in a moment",
                   ["idempotencyKey"])
    if stored.request_hash != digest:
        raise IdempotencyMismatch(
            f"idempotencyKey {key!r} was used with a different request; use a new key for a new request",
            ["idempotencyKey"],
        )
    return Replay(stored.response)
