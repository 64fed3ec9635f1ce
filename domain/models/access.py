"""Who may call the API (hashed keys and roles), idempotent replays, and rule revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.base import Base, intpk, str_enum, utcnow
from domain.models.enums import Role
from domain.models.plant import Customer

api_key_customers = Table(
    "api_key_customers",
    Base.metadata,
    Column("api_key_id", ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
    Column("customer_id", ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; the prefix finds the row without a scan."""

    __tablename__ = "api_keys"
    id: Mapped[intpk]
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A rotation's grace period puts revoked_at ahead: the key works until then.
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    # Written at most once a minute per key (domain/access.py: LAST_USED_EVERY), not once per request.
    last_used_at: Mapped[datetime | None]
    customers: Mapped[list[Customer]] = relationship(secondary=api_key_customers, lazy="selectin")


class IdempotencyRecord(Base):
    """The first answer to a keyed mutation; the unique constraint makes concurrent retries safe."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)
    id: Mapped[intpk]
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RuleRevision(Base):
    """The rule files that were made live, so every API process loads the same rules."""

    __tablename__ = "rule_revisions"
    id: Mapped[intpk]
    version: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict[str, str]]
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
