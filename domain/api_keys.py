"""Managing API keys: create (the key is shown once, stored hashed), list, revoke, rotate; expiry on request."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain import bounds
from domain.access import KEY_PREFIX, key_hash
from domain.bounds import shown
from domain.errors import InvalidInput, NotFound
from domain.models import ApiKey, Customer, Role, utcnow

MAX_LIFETIME_DAYS = 3650  # a key meant to outlive ten years is a key meant never to expire: give no expiry
MAX_GRACE_HOURS = 24 * 30  # an old key kept alive for longer than a month is not being rotated
_LONGEST_ID = 9  # digits of an id (PostgreSQL integers stop below 10**10); a longer one is taken for a prefix


@dataclass(frozen=True)
class KeyListing:
    """What `sop keys list` shows of a key: everything but its secret and hash."""

    id: int
    prefix: str
    name: str
    role: Role
    customers: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked" if self.revoked_at <= now else "revoking"  # revoking: in a rotation's grace period
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def _listing(row: ApiKey) -> KeyListing:
    return KeyListing(row.id, row.prefix, row.name, row.role, tuple(sorted(c.code for c in row.customers)),
                      row.created_at, row.expires_at, row.last_used_at, row.revoked_at)


def expiry(now: datetime, in_days: int | None = None, at: datetime | None = None) -> datetime | None:
    """When a new key expires: `in_days` from now, or `at` (an aware instant in the future), or never."""
    if in_days is not None and at is not None:
        raise InvalidInput("give --expires-in-days or --expires-at, not both", ["expires"])
    if in_days is not None:
        if not 1 <= in_days <= MAX_LIFETIME_DAYS:
            raise InvalidInput(f"--expires-in-days must be 1 to {MAX_LIFETIME_DAYS}, got {in_days}",
                               ["expires_in_days"])
        return now + timedelta(days=in_days)
    if at is None:
        return None
    if at.tzinfo is None:
        raise InvalidInput(f"--expires-at {at.isoformat()} needs an offset (e.g. +00:00)", ["expires_at"])
    if at <= now:
        raise InvalidInput(f"--expires-at {at.isoformat()} is not in the future", ["expires_at"])
    if at > now + timedelta(days=MAX_LIFETIME_DAYS):
        raise InvalidInput(f"--expires-at {at.isoformat()} is more than {MAX_LIFETIME_DAYS} days ahead",
                           ["expires_at"])
    return at.astimezone(UTC)


def _customers(session: Session, role: Role, codes: list[str]) -> list[Customer]:
    if codes and role is not Role.PARTNER:
        # Only a partner's requests are restricted to its customers: a binding on any other key would do nothing.
        raise InvalidInput("--customer applies to partner keys only", ["customer"])
    found: list[Customer] = []
    for code in codes:
        customer = session.scalar(select(Customer).where(Customer.code == code))
        if customer is None:
            raise NotFound(f"customer {shown(code)} does not exist", ["customer"])
        found.append(customer)
    if role is Role.PARTNER and not found:
        raise InvalidInput("a partner key must be bound to at least one customer (--customer)", ["customer"])
    return found


def _new_key(session: Session, role: Role, name: str | None, customers: list[Customer],
             expires_at: datetime | None) -> tuple[ApiKey, str]:
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(24)}"
    row = ApiKey(prefix=prefix, key_hash=key_hash(key), role=role, name=name or f"{role.value}-{prefix}",
                 customers=customers, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row, key


def create_api_key(
    session: Session, role: str, name: str | None = None, customer_codes: list[str] | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new key's hash and return the key in clear: it is never shown again."""
    try:
        parsed_role = Role(role)
    except ValueError:
        raise InvalidInput(f"unknown role {role!r}; roles are {', '.join(r.value for r in Role)}", ["role"]) from None
    if name is not None and not 1 <= len(name) <= bounds.MAX_KEY_NAME:
        raise InvalidInput(f"a key's name has 1 to {bounds.MAX_KEY_NAME} characters, got {len(name)}", ["name"])
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput(f"expiry {expires_at.isoformat()} is not in the future", ["expires_at"])
    customers = _customers(session, parsed_role, customer_codes or [])
    return _new_key(session, parsed_role, name, customers, expires_at)[1]


def list_api_keys(session: Session) -> list[KeyListing]:
    return [_listing(row) for row in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def find_api_key(session: Session, id_or_prefix: str) -> ApiKey:
    """The key with this id or this prefix (as `sop keys list` shows them), or NotFound."""
    wanted = id_or_prefix.strip()
    matches = [ApiKey.prefix == wanted]
    if wanted.isdigit() and len(wanted) <= _LONGEST_ID:
        matches.append(ApiKey.id == int(wanted))
    rows = session.scalars(select(ApiKey).where(or_(*matches))).all()
    if not rows:
        raise NotFound(f"no API key has the id or prefix {shown(wanted)} (see `sop keys list`)", ["key"])
    if len(rows) > 1:  # a prefix of digits only that is also another key's id
        raise InvalidInput(f"{shown(wanted)} is one key's id and another's prefix: give the prefix of the one "
                           f"you mean ({', '.join(r.prefix for r in rows)})", ["key"])
    return rows[0]


@dataclass(frozen=True)
class Revocation:
    key: KeyListing
    already: bool  # it was revoked before this call: nothing changed


def revoke_api_key(session: Session, id_or_prefix: str, now: datetime | None = None) -> Revocation:
    """Refuse the key from now on, in every process (each request reads the key's row)."""
    now = now or utcnow()
    row = find_api_key(session, id_or_prefix)
    if row.revoked_at is not None and row.revoked_at <= now:
        return Revocation(_listing(row), already=True)
    row.revoked_at = now  # also ends a rotation's grace period early
    session.flush()
    return Revocation(_listing(row), already=False)


@dataclass(frozen=True)
class Rotation:
    old: KeyListing
    new: KeyListing
    key: str  # the new key in clear, shown once


def rotate_api_key(
    session: Session, id_or_prefix: str, grace_hours: float = 0.0, expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Rotation:
    """A new key with the old one's name, role and customers; the old one is revoked after `grace_hours`.

    Without `expires_at`, a key that had an expiry gets a new one as far ahead as the old was from its creation,
    so a 90-day key stays a 90-day key."""
    now = now or utcnow()
    if not (math.isfinite(grace_hours) and 0 <= grace_hours <= MAX_GRACE_HOURS):
        raise InvalidInput(f"--grace-hours must be 0 to {MAX_GRACE_HOURS}, got {grace_hours:g}", ["grace_hours"])
    old = find_api_key(session, id_or_prefix)
    if old.revoked_at is not None:
        when = "was revoked at" if old.revoked_at <= now else "was rotated already and is revoked from"
        raise InvalidInput(f"key {old.id} ({old.prefix}) {when} {old.revoked_at:%Y-%m-%d %H:%M} UTC: "
                           "create a new key instead", ["key"])
    if expires_at is None and old.expires_at is not None:
        expires_at = now + (old.expires_at - old.created_at)
    row, key = _new_key(session, old.role, old.name, list(old.customers), expires_at)
    old.revoked_at = now + timedelta(hours=grace_hours)
    session.flush()
    return Rotation(_listing(old), _listing(row), key)
