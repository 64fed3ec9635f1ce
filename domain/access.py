"""Who is calling: an API key authenticated into a Principal with a role (keys are managed in domain/api_keys.py)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain import reference
from domain.capacity import one_message
from domain.models import ApiKey, MasterDataVersion, Role, RuleRevision, api_key_customers, utcnow

KEY_PREFIX = "sop"
# last_used_at is a minute-resolution fact: one write per key a minute, not one per request.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role decides what they may do, customer_ids what a partner may see."""

    key_id: int  # 0 for a person signed in with an OpenID Connect token
    name: str
    role: Role
    customer_ids: frozenset[int] = field(default_factory=frozenset)
    subject: str | None = None  # "issuer|sub" of an OpenID Connect token; None for an API key

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.name}"

    @property
    def identity(self) -> str:
        """Whose idempotency keys and rate limit these are: the API key, or the token's issuer and subject."""
        return str(self.key_id) if self.subject is None else f"oidc:{self.subject}"

    def may(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def in_force(row: ApiKey | KeyRow, now: datetime) -> bool:
    """Neither revoked nor expired at `now`; a rotation's grace period puts revoked_at in the future."""
    return (row.revoked_at is None or row.revoked_at > now) and (row.expires_at is None or row.expires_at > now)


def _prefix_of(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    return parts[1]


@dataclass(frozen=True)
class KeyRow:
    """What a sign-in needs of an API key's row."""

    id: int
    key_hash: str
    role: Role
    name: str
    revoked_at: datetime | None
    expires_at: datetime | None
    customer_ids: frozenset[int]
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: ApiKey) -> KeyRow:
        return cls(row.id, row.key_hash, row.role, row.name, row.revoked_at, row.expires_at,
                   frozenset(c.id for c in row.customers), row.last_used_at)

    def principal(self, key: str, now: datetime) -> Principal | None:
        if not in_force(self, now) or not hmac.compare_digest(self.key_hash, key_hash(key)):
            return None
        return Principal(self.id, self.name, self.role, self.customer_ids)


def _principal(row: ApiKey | None, key: str, now: datetime) -> Principal | None:
    return None if row is None else KeyRow.of(row).principal(key, now)


@dataclass(frozen=True)
class SignIn:
    """The caller, and the newest rules revision any process activated (read in the same statement)."""

    principal: Principal | None
    rules_revision: int | None
    last_used_at: datetime | None = None

    def use_to_record(self, now: datetime) -> bool:
        """True when the key's last use on record is a minute old or more (or there is none)."""
        if self.principal is None:
            return False
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_EVERY


async def latest_rules_revision(session: AsyncSession) -> int | None:
    """The newest rules revision any process activated (a token's sign-in reads no key row to carry it)."""
    return await session.scalar(select(func.max(RuleRevision.id)))


# Built once: the key's row and its customers (Core: no ORM objects), with the newest rules revision and the
# master-data version riding along as scalar subqueries, so a rules reload or a master-data change in another
# process is seen on the next request at no extra round trip.
_KEYS = cast(Table, ApiKey.__table__)
KEY_ROW = (
    select(_KEYS.c.id, _KEYS.c.key_hash, _KEYS.c.role, _KEYS.c.name, _KEYS.c.revoked_at, _KEYS.c.expires_at,
           _KEYS.c.last_used_at, api_key_customers.c.customer_id,
           select(func.max(RuleRevision.id)).scalar_subquery(),
           select(MasterDataVersion.version).where(MasterDataVersion.id == 1).scalar_subquery())
    .select_from(_KEYS.outerjoin(api_key_customers, api_key_customers.c.api_key_id == _KEYS.c.id))
    .where(_KEYS.c.prefix == bindparam("prefix"))
)


async def sign_in_with_key(session: AsyncSession, key: str, now: datetime | None = None) -> SignIn:
    """One statement per request: the key with its customers, the latest rules revision id and the master-data
    version (domain/reference.py: the request may use this process's master data when it is current).

    The key's row is read on every request, in every process, so a revocation or an expiry made anywhere
    refuses the key on its next request: there is no per-process copy of keys to go stale."""
    prefix = _prefix_of(key)
    if prefix is None:
        return SignIn(None, None)
    rows = await _key_rows(session, prefix)
    if not rows:
        return SignIn(None, None)
    key_id, digest, role, name, revoked_at, expires_at, last_used_at, _, rules, version = rows[0]
    reference.observe(session, version)
    row = KeyRow(key_id, digest, Role(role), name, revoked_at, expires_at,
                 frozenset(r[7] for r in rows if r[7] is not None), last_used_at)
    return SignIn(row.principal(key, now or utcnow()), rules, row.last_used_at)


async def _key_rows(session: AsyncSession, prefix: str) -> list[tuple[Any, ...]]:
    """KEY_ROW's rows; on PostgreSQL through one_message.fetch_one, without SQLAlchemy's per-call execution work (the
    statement runs on every request)."""
    if session.get_bind().dialect.name == "postgresql":
        return await one_message.fetch_one(session, KEY_ROW, {"prefix": prefix})
    return [tuple(row) for row in await (await session.connection()).execute(KEY_ROW, {"prefix": prefix})]


async def record_key_use(session: AsyncSession, key_id: int, now: datetime) -> None:
    """Set last_used_at, in its own transaction; the condition makes processes racing for it write once."""
    stale = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_EVERY)
    await session.execute(update(ApiKey).where(ApiKey.id == key_id, stale).values(last_used_at=now))
    await session.commit()


async def authenticate(session: AsyncSession, key: str) -> Principal | None:
    """The caller behind a key, or None for an unknown, malformed, revoked or expired key."""
    return (await sign_in_with_key(session, key)).principal


def authenticate_sync(session: Session, key: str) -> Principal | None:
    prefix = _prefix_of(key)
    if prefix is None:
        return None
    return _principal(session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)), key, utcnow())
