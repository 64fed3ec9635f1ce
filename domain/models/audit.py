"""The master-data audit log: every upsert and retirement of a master record, versioned per record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, intpk, utcnow


class AuditEntry(Base):
    """One change of one master record: who, when, what it was before and after; version counts per record."""

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("entity", "code", "version"), Index("ix_audit_log_at", "at"))
    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))  # PRODUCT, CUSTOMER, MATERIAL, LINE, BOM, ROUTING, CALENDAR_DAY
    code: Mapped[str] = mapped_column(String(96))  # the record's code (a calendar day: "LINE-A@2026-12-24")
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))  # UPSERT or RETIRE
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
