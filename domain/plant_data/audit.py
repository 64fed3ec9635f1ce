"""The import's entries in the master-data audit log: each customer, product, material and line the files change,
with the record before and after, as the master-data API writes them one at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit_log import Change, Snapshot, record_changes, snapshot
from domain.models import Customer, Material, Product, ProductionLine
from domain.plant_data.data import PlantData

# Audit entity, model, code column, PlantData field (the entities the master-data API names the same records by).
MASTERS: list[tuple[str, Any, str, str]] = [
    ("CUSTOMER", Customer, "code", "customers"), ("PRODUCT", Product, "sku", "products"),
    ("MATERIAL", Material, "code", "materials"), ("LINE", ProductionLine, "code", "lines")]
CHUNK = 1_000
Snapshots = dict[tuple[str, str], Snapshot]


async def master_snapshots(session: AsyncSession, data: PlantData) -> Snapshots:
    """The stored records the files name, as snapshots (read again: the writes go past the session's objects)."""
    found: Snapshots = {}
    for entity, model, key, field in MASTERS:
        codes = sorted(getattr(data, field))
        for start in range(0, len(codes), CHUNK):
            rows = await session.scalars(select(model).where(getattr(model, key).in_(codes[start:start + CHUNK]))
                                         .execution_options(populate_existing=True))
            found.update({(entity, getattr(row, key)): snapshot(row) for row in rows})
    return found


async def audit_import(session: AsyncSession, data: PlantData, before: Snapshots, actor: str) -> int:
    """One UPSERT entry per record the import created or changed (none for a row that changed nothing)."""
    after = await master_snapshots(session, data)
    changes = [Change(entity, code, "UPSERT", before.get((entity, code)), now)
               for (entity, code), now in sorted(after.items()) if before.get((entity, code)) != now]
    return await record_changes(session, actor, changes)
