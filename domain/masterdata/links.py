"""Use cases for what hangs off the masters: a product's bill of materials, its routing (lines and rates) and the
lines' calendar days (holidays and extra shifts). Checked and written by the import's path, audited, and the
capacity ledger counted again where the hours change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.recount import recount_line_weeks
from domain.errors import InUse, InvalidInput
from domain.masterdata.audit import committed, record_change
from domain.masterdata.checks import active_codes, cell, checked, guard
from domain.masterdata.usage import listed, orders_holding_line, planned_weeks
from domain.models import AuditEntry, BomItem, LineCalendarDay, Material, PlanItem, Product, ProductionLine, Routing
from domain.plant_data import HOLIDAY, Problems, Row, upsert_calendar_days, write_records
from rules import RuleBook

EXTRA_SHIFT = "extra shift"


@dataclass(frozen=True)
class Part:
    material_code: str
    quantity_per_unit: float


@dataclass(frozen=True)
class Route:
    line_code: str
    units_per_hour: float


async def _bill(session: AsyncSession, sku: str) -> dict[str, float]:
    return dict((await session.execute(
        select(Material.code, BomItem.quantity_per_unit).join(BomItem, BomItem.material_id == Material.id)
        .join(Product, Product.id == BomItem.product_id).where(Product.sku == sku).order_by(Material.code))).all())


async def _routes(session: AsyncSession, sku: str) -> dict[str, float]:
    return dict((await session.execute(
        select(ProductionLine.code, Routing.units_per_hour).join(Routing, Routing.line_id == ProductionLine.id)
        .join(Product, Product.id == Routing.product_id).where(Product.sku == sku)
        .order_by(ProductionLine.code))).all())


def _some(items: Sequence[object], field: str, what: str) -> None:
    if not items:
        raise InvalidInput(f"{field}: give at least one {what}", [field])


async def set_bill(session: AsyncSession, actor: str, sku: str, parts: Sequence[Part]) -> AuditEntry:
    """The product's whole bill of materials (it replaces the stored one), as bom.csv gives it."""
    _some(parts, "items", "material")
    for index, part in enumerate(parts):
        guard(vars(part), path=["items", str(index)])
    rows = [{"sku": cell(sku), "material_code": cell(p.material_code), "quantity_per_unit": cell(p.quantity_per_unit)}
            for p in parts]
    data = checked("bom", rows, await active_codes(session), list_field="items", shared=("sku",))
    before = await _bill(session, sku)
    await write_records(session, data, actor)
    after = {"items": await _bill(session, sku)}
    return await committed(session, await record_change(
        session, actor, "BOM", sku, "UPSERT", {"items": before} if before else None, after))


async def set_routing(session: AsyncSession, actor: str, sku: str, routes: Sequence[Route]) -> AuditEntry:
    """The lines that can make the product and how fast (it replaces the stored routing), as routings.csv gives
    it. A line taken off while open orders hold its hours for the product, or the plan in force makes the product
    there, is refused (InUse)."""
    _some(routes, "routes", "line")
    for index, route in enumerate(routes):
        guard(vars(route), path=["routes", str(index)])
    rows = [{"line_code": cell(r.line_code), "sku": cell(sku), "units_per_hour": cell(r.units_per_hour)}
            for r in routes]
    data = checked("routings", rows, await active_codes(session), list_field="routes", shared=("sku",))
    before = await _routes(session, sku)
    dropped = sorted(set(before) - {r.line_code for r in routes})
    if dropped:
        await _refuse_dropping(session, sku, dropped)
    await write_records(session, data, actor)
    after = {"routes": await _routes(session, sku)}
    return await committed(session, await record_change(
        session, actor, "ROUTING", sku, "UPSERT", {"routes": before} if before else None, after))


async def _refuse_dropping(session: AsyncSession, sku: str, line_codes: list[str]) -> None:
    product_id = await session.scalar(select(Product.id).where(Product.sku == sku))
    lines = dict((await session.execute(select(ProductionLine.code, ProductionLine.id)
                                        .where(ProductionLine.code.in_(line_codes)))).all())
    for code in line_codes:
        orders = await orders_holding_line(session, lines[code], [int(product_id or 0)])
        if orders:
            raise InUse(f"line {code} makes {sku} for open orders {listed(orders)}: keep it in the routing until "
                        "they are made or moved", ["routes"])
        weeks = await planned_weeks(session, PlanItem.line_id == lines[code], PlanItem.product_id == product_id)
        if weeks:
            raise InUse(f"the plan in force makes {sku} on line {code} in the weeks of {listed(weeks)}: replan "
                        "first", ["routes"])


async def set_calendar_day(session: AsyncSession, actor: str, line_code: str | None, day: date, hours: float,
                           reason: str | None, book: RuleBook) -> list[AuditEntry]:
    """A day's hours on one line (every line when line_code is None): 0 is a holiday, more an extra shift or a
    shorter day. The ledger's weeks are counted again; promised hours left without room refuse it (InUse)."""
    guard({"line_code": line_code, "reason": reason}, LineCalendarDay)
    known = await active_codes(session)
    data = checked("holidays", [{"date": cell(day), "line_code": cell(line_code)}], known, renamed={"date": "day"})
    problems = Problems()
    value = Row("input", 2, {"hours": cell(hours)}, problems).number("hours", required=True)
    if value is None or value > 24:
        message = problems.kept[0].message if problems else f"{hours:g} is more than the 24 hours of a day"
        raise InvalidInput(f"hours: {message}", ["hours"])
    (_, named), = data.holidays
    lines = dict((await session.execute(
        select(ProductionLine.code, ProductionLine.id).where(ProductionLine.retired_at.is_(None))
        .where(*([ProductionLine.code == named] if named is not None else [])))).all())
    befores = {(d.line_id, d.day): {"hours": d.hours, "reason": d.reason} for d in await session.scalars(
        select(LineCalendarDay).where(LineCalendarDay.day == day, LineCalendarDay.line_id.in_(lines.values())))}
    why = reason or (HOLIDAY if value == 0 else EXTRA_SHIFT)
    await upsert_calendar_days(session, {(line_id, day): (value, why) for line_id in lines.values()})
    await session.flush()
    await recount_line_weeks(session, list(lines.values()), float(book.capacity_policy().reserve_share), ["hours"])
    entries = [await record_change(session, actor, "CALENDAR_DAY", f"{code}@{day.isoformat()}", "UPSERT",
                                   befores.get((line_id, day)), {"hours": value, "reason": why})
               for code, line_id in sorted(lines.items())]
    await session.commit()
    return entries
