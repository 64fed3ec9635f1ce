"""What the world does to the service's database where the service has no use case for it (an ERP would):
material receipts arriving, materials used by what was made, the week's forecasts, and reading stock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import case, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.models import BomItem, Forecast, Material, MaterialReceipt, Product
from domain.simulation.world import World


async def add_receipts(session: AsyncSession, world: World) -> dict[int, int]:
    """The world's purchase orders as expected receipts; returns world receipt index -> row id."""
    codes = dict((await session.execute(select(Material.code, Material.id))).all())
    rows = [MaterialReceipt(material_id=codes[r.material], quantity=r.quantity, due_date=r.due, received=False)
            for r in world.receipts]
    session.add_all(rows)
    await session.flush()
    return {i: row.id for i, row in enumerate(rows)}


async def receive(session: AsyncSession, world: World, ids: dict[int, int], day: date) -> None:
    for i, receipt in enumerate(world.receipts):
        if receipt.arrives == day:
            row = await session.get(MaterialReceipt, ids[i])
            assert row is not None
            row.received = True
            # A late receipt is still due where it was: the buyer moves the date when told of the slip.
            await session.execute(update(Material).where(Material.id == row.material_id)
                                  .values(on_hand=Material.on_hand + receipt.quantity))
        elif receipt.due <= day < receipt.arrives:
            row = await session.get(MaterialReceipt, ids[i])
            assert row is not None
            row.due_date = day + timedelta(days=1)


async def bill_of_materials(session: AsyncSession, sku: str) -> list[tuple[int, float]]:
    """(material id, quantity per unit) of the sku's bill of materials (no use case changes it during a run)."""
    rows = await session.execute(
        select(BomItem.material_id, BomItem.quantity_per_unit).join(Product, Product.id == BomItem.product_id)
        .where(Product.sku == sku).order_by(BomItem.id))
    return [(material_id, per_unit) for material_id, per_unit in rows]


async def backflush(session: AsyncSession, bom: list[tuple[int, float]], units: float) -> None:
    """Materials the made and scrapped units used leave the store (never below zero), in one statement."""
    if not bom:
        return
    used = case({material_id: per_unit * units for material_id, per_unit in bom}, value=Material.id)
    await session.execute(update(Material).where(Material.id.in_([material_id for material_id, _ in bom])).values(
        on_hand=case((Material.on_hand > used, Material.on_hand - used), else_=0.0)))


async def submit_forecasts(session: AsyncSession, world: World, issue_week: int, skus: list[str]) -> None:
    """The forecast issued on the Friday before week `issue_week`, for the weeks after it (newest row wins)."""
    ids = dict((await session.execute(select(Product.sku, Product.id))).all())
    table = world.forecast[min(issue_week, len(world.forecast) - 1)]
    monday = world.start + timedelta(days=7 * issue_week)
    now = clock.now()
    rows = [{"product_id": ids[sku], "week": monday + timedelta(days=7 * ahead), "low": float(table[p, ahead, 0]),
             "mid": float(table[p, ahead, 1]), "high": float(table[p, ahead, 2]), "submitted_at": now,
             "submitted_by": "simulation"}
            for p, sku in enumerate(skus) for ahead in range(table.shape[1])]
    # A bulk INSERT of plain rows: thousands of Forecast objects through the unit of work took seconds a Friday.
    await session.execute(insert(Forecast), rows)
    await session.commit()


async def stock_value(session: AsyncSession, skus: list[str]) -> float:
    rows = (await session.execute(select(Product.on_hand, Product.unit_cost).where(Product.sku.in_(skus)))).all()
    return float(np.sum([float(on_hand) * float(cost) for on_hand, cost in rows]))


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)
