"""The audit log of master data: each change of a record is written with the record before and after, and the
record's version (1 for its first change, one more for each next)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import AuditEntry, Base
from domain.paging import Page, Position, SortKey, fetch_page

Snapshot = dict[str, Any] | None
# Columns a snapshot leaves out: database ids and bookkeeping, not master data a person set.
SKIPPED = {"id", "created_at"}
AUDIT_BY_ID = SortKey(AuditEntry.id, int, lambda row: row.id)


def plain(value: object) -> object:
    """A value as JSON keeps it: money as text (no float rounding), enums by name, days and instants ISO."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(row: Base | None) -> Snapshot:
    """The record's own columns as JSON values (None for a record that does not exist)."""
    if row is None:
        return None
    return {column.key: plain(getattr(row, column.key)) for column in row.__table__.columns  # type: ignore[attr-defined]
            if column.key not in SKIPPED and not column.key.endswith("_id")}


async def record_change(session: AsyncSession, actor: str, entity: str, code: str, action: str, before: Snapshot,
                        after: Snapshot) -> AuditEntry:
    """Append the change with the record's next version; two writers of one record collide on the unique
    (entity, code, version), so no version is ever given twice."""
    latest = await session.scalar(select(func.max(AuditEntry.version))
                                  .where(AuditEntry.entity == entity, AuditEntry.code == code))
    entry = AuditEntry(actor=actor, entity=entity, code=code, version=(latest or 0) + 1, action=action,
                       before=before, after=after)
    session.add(entry)
    await session.flush()
    return entry


async def committed(session: AsyncSession, entry: AuditEntry) -> AuditEntry:
    """The use case's end: its writes and their audit entry committed together."""
    await session.commit()
    return entry


@dataclass(frozen=True)
class AuditFilter:
    entity: str | None = None
    code: str | None = None

    def where(self) -> list[Any]:
        return [c for c in (self.entity is not None and AuditEntry.entity == self.entity,
                            self.code is not None and AuditEntry.code == self.code) if c is not False]


async def audit_page(session: AsyncSession, wanted: AuditFilter, first: int,
                     position: Position | None) -> Page[AuditEntry]:
    """Newest first."""
    stmt = select(AuditEntry).where(*wanted.where())
    return await fetch_page(session, stmt, AUDIT_BY_ID, AuditEntry.id, first, position, descending=True)


async def count_audit(session: AsyncSession, wanted: AuditFilter) -> int:
    return int(await session.scalar(select(func.count(AuditEntry.id)).where(*wanted.where())) or 0)
