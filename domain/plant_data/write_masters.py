"""Upserts the master records by code in the caller's transaction: a row in the files replaces the stored one."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Customer, Material, Product, ProductionLine, product_substitutes
from domain.plant_data.data import KnownCodes, PlantData, Values

M = TypeVar("M", Customer, Product, Material, ProductionLine)


async def known_codes(session: AsyncSession) -> KnownCodes:
    from domain.models import Order  # one import line each keeps the seam readable

    return KnownCodes(customers=set(await session.scalars(select(Customer.code))),
                      products=set(await session.scalars(select(Product.sku))),
                      materials=set(await session.scalars(select(Material.code))),
                      lines=set(await session.scalars(select(ProductionLine.code))),
                      orders=set(await session.scalars(select(Order.code))))


async def _upsert(session: AsyncSession, model: type[M], key: Any, records: dict[str, Values]) -> None:
    stored = {getattr(row, key.key): row for row in await session.scalars(select(model).where(key.in_(records)))}
    for code, values in records.items():
        row = stored.get(code)
        if row is None:
            session.add(model(**{key.key: code}, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)


async def ids_by_code(session: AsyncSession) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    """Customer, product, material and line ids by code, after the upsert was flushed."""
    def pairs(rows: Any) -> dict[str, int]:
        return {code: id_ for code, id_ in rows}
    return (pairs(await session.execute(select(Customer.code, Customer.id))),
            pairs(await session.execute(select(Product.sku, Product.id))),
            pairs(await session.execute(select(Material.code, Material.id))),
            pairs(await session.execute(select(ProductionLine.code, ProductionLine.id))))


async def write_masters(session: AsyncSession, data: PlantData) -> None:
    await _upsert(session, Customer, Customer.code, data.customers)
    await _upsert(session, Product, Product.sku, data.products)
    await _upsert(session, Material, Material.code, data.materials)
    await _upsert(session, ProductionLine, ProductionLine.code, data.lines)
    await session.flush()
    if data.substitutes:
        _, products, _, _ = await ids_by_code(session)
        listed = [products[sku] for sku in data.substitutes]
        # A substitutes cell gives the product's whole list; products without one keep theirs.
        await session.execute(delete(product_substitutes).where(product_substitutes.c.product_id.in_(listed)))
        links = [{"product_id": products[sku], "substitute_id": products[other]}
                 for sku, others in data.substitutes.items() for other in dict.fromkeys(others)]
        if links:
            await session.execute(insert(product_substitutes), links)
