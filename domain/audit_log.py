"""Writing the master-data audit log: a record's snapshot as JSON, and each change appended with the record's next
version. Shared by the master-data API (one record at a time) and `sop import` (whole files)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import AuditEntry, Base

Snapshot = dict[str, Any] | None
# Columns a snapshot leaves out: database ids and bookkeeping, not master data a person set.
SKIPPED = {"id", "created_at"}
CHUNK = 1_000  # (entity, code) pairs per statement


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


@dataclass(frozen=True)
class Change:
    entity: str  # PRODUCT, CUSTOMER, MATERIAL, LINE, BOM, ROUTING, CALENDAR_DAY
    code: str
    action: str  # UPSERT or RETIRE
    before: Snapshot
    after: Snapshot


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


async def record_changes(session: AsyncSession, actor: str, changes: Sequence[Change]) -> int:
    """Append many changes (of distinct records), each with its record's next version; returns how many."""
    pairs = [(c.entity, c.code) for c in changes]
    latest: dict[tuple[str, str], int] = {}
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start:start + CHUNK]
        for entity, code, version in await session.execute(
                select(AuditEntry.entity, AuditEntry.code, func.max(AuditEntry.version))
                .where(tuple_(AuditEntry.entity, AuditEntry.code).in_(chunk))
                .group_by(AuditEntry.entity, AuditEntry.code)):
            latest[(entity, code)] = int(version)
    session.add_all(AuditEntry(actor=actor, entity=c.entity, code=c.code, version=latest.get((c.entity, c.code), 0) + 1,
                               action=c.action, before=c.before, after=c.after) for c in changes)
    await session.flush()
    return len(changes)
