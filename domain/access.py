"""API keys: create (shown once, stored hashed) and authenticate into a Principal with a role."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload

from domain.errors import InvalidInput, NotFound
from domain.models import ApiKey, Customer, Role

KEY_PREFIX = "sop"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the role decides what they may do, customer_ids what a partner may see."""

    key_id: int
    name: str
    role: Role
    customer_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.name}"

    def may(self, *roles: Role) -> bool:
        return self.role in roles or self.role is Role.ADMIN


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session, role: str, name: str | None = None, customer_codes: list[str] | None = None
) -> str:
    """Store a new key's hash and return the key in clear: it is never shown again."""
    try:
        parsed_role = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(r.value for r in Role)}", ["role"]) from None
    customers: list[Customer] = []
    for code in customer_codes or []:
        customer = session.scalar(select(Customer).where(Customer.code == code))
        if customer is None:
            raise NotFound(f"customer {code!r} does not exist", ["customer"])
        customers.append(customer)
    if parsed_role is Role.PARTNER and not customers:
        raise InvalidInput("a partner key must be bound to at least one customer (--customer)", ["customer"])
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(24)
    key = f"{KEY_PREFIX}_{prefix}_{secret}"
    session.add(
        ApiKey(
            prefix=prefix, key_hash=_hash(key), role=parsed_role, name=name or f"{role}-{prefix}", customers=customers
        )
    )
    session.flush()
    return key


def _prefix_of(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    return parts[1]


def _principal(row: ApiKey | None, key: str) -> Principal | None:
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, _hash(key)):
        return None
    return Principal(row.id, row.name, row.role, frozenset(c.id for c in row.customers))


async def authenticate(session: AsyncSession, key: str) -> Principal | None:
    """The caller behind a key, or None for an unknown, malformed or revoked key."""
    prefix = _prefix_of(key)
    if prefix is None:
        return None
    # One statement (joined, not the relationship's default selectin): it runs on every request.
    stmt = select(ApiKey).options(joinedload(ApiKey.customers)).where(ApiKey.prefix == prefix)
    row = (await session.execute(stmt)).unique().scalar_one_or_none()
    return _principal(row, key)


def authenticate_sync(session: Session, key: str) -> Principal | None:
    prefix = _prefix_of(key)
    if prefix is None:
        return None
    return _principal(session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)), key)
