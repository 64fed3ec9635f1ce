"""Writes what hangs off the masters (bom, routings, holidays, stock, receipts, forecasts) in one transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import (
    BomItem,
    Forecast,
    LineCalendarDay,
    MaterialReceipt,
    Product,
    Routing,
    StockMovement,
    StockMovementKind,
)
from domain.plant_data.data import PlantData

HOLIDAY = "holiday"  # the reason an imported idle day carries, so the export finds it again


async def write_links(session: AsyncSession, data: PlantData, products: dict[str, int], materials: dict[str, int],
                      lines: dict[str, int], actor: str) -> None:
    # bom.csv and routings.csv give a product's whole bill and whole set of lines: they replace what was stored.
    if data.bom:
        listed = {products[sku] for sku, _ in data.bom}
        await session.execute(delete(BomItem).where(BomItem.product_id.in_(listed)))
        session.add_all(BomItem(product_id=products[sku], material_id=materials[code], quantity_per_unit=per_unit)
                        for (sku, code), per_unit in data.bom.items())
    if data.routings:
        listed = {products[sku] for _, sku in data.routings}
        await session.execute(delete(Routing).where(Routing.product_id.in_(listed)))
        session.add_all(Routing(line_id=lines[line], product_id=products[sku], units_per_hour=rate)
                        for (line, sku), rate in data.routings.items())
    await _holidays(session, data, lines)
    await _stock(session, data, products, actor)
    if data.receipts:
        # The receipts still to come of each material named are the file's; those already received stay.
        named = {materials[code] for code, _, _ in data.receipts}
        await session.execute(delete(MaterialReceipt).where(MaterialReceipt.material_id.in_(named),
                                                            MaterialReceipt.received.is_(False)))
        session.add_all(MaterialReceipt(material_id=materials[code], quantity=quantity, due_date=day)
                        for code, quantity, day in data.receipts)
    if data.forecasts:
        stored = {(f.product_id, f.week): f for f in await session.scalars(
            select(Forecast).where(Forecast.product_id.in_({products[sku] for sku, _ in data.forecasts})))}
        for (sku, week), (low, mid, high) in data.forecasts.items():
            row = stored.get((products[sku], week))
            if row is None:
                session.add(Forecast(product_id=products[sku], week=week, low=low, mid=mid, high=high,
                                     submitted_by=actor))
            else:
                row.low, row.mid, row.high, row.submitted_by = low, mid, high, actor


async def _holidays(session: AsyncSession, data: PlantData, lines: dict[str, int]) -> None:
    days = {(lines[line], day) for day, line in data.holidays if line is not None}
    days |= {(line_id, day) for day, line in data.holidays if line is None for line_id in lines.values()}
    await upsert_calendar_days(session, {key: (0.0, HOLIDAY) for key in days})


async def upsert_calendar_days(session: AsyncSession, days: dict[tuple[int, date], tuple[float, str]]) -> None:
    """Calendar exceptions by (line id, day): hours (0 = an idle day, a holiday) and the reason, replacing what
    was stored for that line and day."""
    if not days:
        return
    stored = {(d.line_id, d.day): d for d in await session.scalars(
        select(LineCalendarDay).where(LineCalendarDay.day.in_({day for _, day in days})))}
    for (line_id, day), (hours, reason) in sorted(days.items()):
        row = stored.get((line_id, day))
        if row is None:
            session.add(LineCalendarDay(line_id=line_id, day=day, hours=hours, reason=reason))
        else:
            row.hours, row.reason = hours, reason


async def _stock(session: AsyncSession, data: PlantData, products: dict[str, int], actor: str) -> None:
    """Finished goods on hand as counted; the difference is an ADJUSTED movement so stock history adds up."""
    if not data.stock:
        return
    stored = {p.sku: p for p in await session.scalars(select(Product).where(Product.sku.in_(data.stock)))}
    for sku, on_hand in data.stock.items():
        product = stored[sku]
        change = on_hand - (product.on_hand or 0.0)
        product.on_hand = on_hand
        if abs(change) > 1e-9:
            session.add(StockMovement(product_id=product.id, kind=StockMovementKind.ADJUSTED, quantity=change,
                                      note=f"stock count imported by {actor}"))
