"""The audit log of master data: each change of a record is written with the record before and after, and the
record's version (1 for its first change, one more for each next)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit_log import Snapshot, plain, record_change, snapshot
from domain.models import AuditEntry
from domain.paging import Page, Position, SortKey, fetch_page

__all__ = ["AUDIT_BY_ID", "AuditFilter", "Snapshot", "audit_page", "committed", "count_audit", "plain",
           "record_change", "snapshot"]

AUDIT_BY_ID = SortKey(AuditEntry.id, int, lambda row: row.id)


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
