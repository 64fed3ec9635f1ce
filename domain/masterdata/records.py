"""Upsert use cases of the master records (customers, products, materials, lines) and of safety stock: checked and
written by the import's path (domain/plant_data), each change in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.recount import recount_line_weeks
from domain.errors import InvalidInput, NotFound
from domain.masterdata.audit import committed, record_change, snapshot
from domain.masterdata.checks import active_codes, cell, checked, guard
from domain.models import AuditEntry, Customer, Material, Product, ProductionLine
from domain.plant_data import Problems, Row, write_records
from rules import RuleBook


@dataclass(frozen=True)
class Master:
    """One kind of master record: its audit entity, its file in the exchange format, model and code column."""

    entity: str
    file: str
    model: Any
    key: str


CUSTOMER = Master("CUSTOMER", "customers", Customer, "code")
PRODUCT = Master("PRODUCT", "products", Product, "sku")
MATERIAL = Master("MATERIAL", "materials", Material, "code")
LINE = Master("LINE", "lines", ProductionLine, "code")
MASTERS = {m.entity: m for m in (CUSTOMER, PRODUCT, MATERIAL, LINE)}


async def stored(session: AsyncSession, master: Master, code: str) -> Any:
    return await session.scalar(select(master.model).where(getattr(master.model, master.key) == code)
                                .execution_options(populate_existing=True))


async def upsert_master(session: AsyncSession, actor: str, master: Master, values: Mapping[str, object],
                        book: RuleBook) -> AuditEntry:
    """Create or replace the record with these values (keyed by the file's columns, the code among them): a value
    left out takes the file format's default, as a file row would. An upsert of a retired record brings it back.

    A line's hours and working days feed the capacity ledger: the weeks from now on are counted again, and a
    change that would leave promised hours without room is refused (InUse), nothing written."""
    guard(values, master.model)
    code = cell(values[master.key])
    data = checked(master.file, [{k: cell(v) for k, v in values.items()}], await active_codes(session))
    row = await stored(session, master, code)
    before = snapshot(row)
    await write_records(session, data, actor)
    row = await stored(session, master, code)
    row.retired_at = None
    await session.flush()
    if master is LINE:
        await recount_line_weeks(session, [row.id], float(book.capacity_policy().reserve_share),
                                 ["weeklyCapacityHours"])
    return await committed(session, await record_change(session, actor, master.entity, code, "UPSERT", before,
                                                        snapshot(row)))


async def set_safety_stock(session: AsyncSession, actor: str, sku: str, safety_stock: float) -> AuditEntry:
    """Only the product's safety stock changes (a new version of the product in the audit log)."""
    guard({"safety_stock": safety_stock})
    product = await stored(session, PRODUCT, sku)
    if product is None:
        raise NotFound(f"product {sku!r} does not exist", ["sku"])
    problems = Problems()
    row = Row("input", 2, {"safety_stock": cell(safety_stock)}, problems)
    value = row.number("safety_stock", required=True)
    if value is None:
        raise InvalidInput(f"safetyStock: {problems.kept[0].message}", ["safetyStock"])
    before = snapshot(product)
    product.safety_stock = value
    await session.flush()
    return await committed(session, await record_change(session, actor, PRODUCT.entity, sku, "UPSERT", before,
                                                        snapshot(product)))
