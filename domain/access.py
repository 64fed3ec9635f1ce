"""API keys: create (shown once, stored hashed) and authenticate into a Principal with a role."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, joinedload

from domain import bounds
from domain.bounds import shown
from domain.errors import InvalidInput, NotFound
from domain.models import ApiKey, Customer, Role, RuleRevision

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
    if name is not None and not 1 <= len(name) <= bounds.MAX_KEY_NAME:
        raise InvalidInput(f"a key's name has 1 to {bounds.MAX_KEY_NAME} characters, got {len(name)}", ["name"])
    if customer_codes and parsed_role is not Role.PARTNER:
        # Only a partner's requests are restricted to its customers: a binding on any other key would do nothing.
        raise InvalidInput("--customer applies to partner keys only", ["customer"])
    customers: list[Customer] = []
    for code in customer_codes or []:
        customer = session.scalar(select(Customer).where(Customer.code == code))
        if customer is None:
            raise NotFound(f"customer {shown(code)} does not exist", ["customer"])
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


@dataclass(frozen=True)
class SignIn:
    """The caller, and the newest rules revision any process activated (read in the same statement)."""

    principal: Principal | None
    rules_revision: int | None


async def sign_in_with_key(session: AsyncSession, key: str) -> SignIn:
    """One statement per request: the key with its customers, and the latest rules revision id."""
    prefix = _prefix_of(key)
    if prefix is None:
        return SignIn(None, None)
    # Joined, not the relationship's default selectin; the revision rides along as a scalar subquery
    # so a rules reload in another process is seen on the next request at no extra round trip.
    latest_rules = select(func.max(RuleRevision.id)).scalar_subquery()
    stmt = select(ApiKey, latest_rules).options(joinedload(ApiKey.customers)).where(ApiKey.prefix == prefix)
    row = (await session.execute(stmt)).unique().first()
    if row is None:
        return SignIn(None, None)
    return SignIn(_principal(row[0], key), row[1])


async def authenticate(session: AsyncSession, key: str) -> Principal | None:
    """The caller behind a key, or None for an unknown, malformed or revoked key."""
    return (await sign_in_with_key(session, key)).principal


def authenticate_sync(session: Session, key: str) -> Principal | None:
    prefix = _prefix_of(key)
    if prefix is None:
        return None
    return _principal(session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)), key)
