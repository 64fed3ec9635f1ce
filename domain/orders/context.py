"""Everything a review reads about an order's customer, products, routes and materials, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput, NotFound
from domain.models import BomItem, Customer, Material, MaterialReceipt, Product, Routing
from domain.orders.inputs import LineInput


@dataclass
class OrderContext:
    """The master data behind one order, keyed by database id."""

    customer: Customer
    products: list[Product]  # in line order
    routes: dict[int, list[tuple[int, float]]]  # product id -> [(line id, units per hour)]
    bom: dict[int, list[tuple[int, float]]]  # product id -> [(material id, units per product unit)]
    materials: dict[int, Material]
    receipts: dict[int, list[tuple[date, float]]] = field(default_factory=dict)  # material id -> open receipts

    @property
    def line_ids(self) -> list[int]:
        return sorted({line_id for routes in self.routes.values() for line_id, _ in routes})


async def load_customer(session: AsyncSession, code: str) -> Customer:
    customer = await session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        raise NotFound(f"customer {code!r} does not exist", ["customerCode"])
    return customer


async def load_context(session: AsyncSession, customer: Customer, lines: tuple[LineInput, ...]) -> OrderContext:
    """Products by sku (NotFound names the line), their routes, bills of materials and open receipts."""
    skus = [line.sku for line in lines]
    by_sku = {p.sku: p for p in (await session.scalars(select(Product).where(Product.sku.in_(skus)))).all()}
    for index, sku in enumerate(skus):
        if sku not in by_sku:
            raise NotFound(f"product {sku!r} does not exist", ["lines", str(index), "sku"])
    products = [by_sku[sku] for sku in skus]
    ids = [p.id for p in products]
    routes: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for routing in (await session.scalars(select(Routing).where(Routing.product_id.in_(ids)))).all():
        if routing.units_per_hour > 0:
            routes[routing.product_id].append((routing.line_id, routing.units_per_hour))
    for index, product in enumerate(products):
        if not routes.get(product.id):
            raise InvalidInput(f"no production line can make {product.sku}", ["lines", str(index), "sku"])
    bom: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for item in (await session.scalars(select(BomItem).where(BomItem.product_id.in_(ids)))).all():
        bom[item.product_id].append((item.material_id, item.quantity_per_unit))
    material_ids = sorted({m for items in bom.values() for m, _ in items})
    materials = {
        m.id: m
        for m in (
            await session.scalars(select(Material).where(Material.id.in_(material_ids), Material.key_component))
        ).all()
    }
    receipts: dict[int, list[tuple[date, float]]] = defaultdict(list)
    rows = await session.execute(
        select(MaterialReceipt.material_id, MaterialReceipt.due_date, MaterialReceipt.quantity)
        .where(MaterialReceipt.material_id.in_(list(materials)), MaterialReceipt.received.is_(False))
        .order_by(MaterialReceipt.due_date)
    )
    for material_id, due, quantity in rows:
        receipts[material_id].append((due, quantity))
    return OrderContext(customer, products, dict(routes), dict(bom), materials, dict(receipts))


async def load_order_context(session: AsyncSession, customer: Customer, product_ids: list[int]) -> OrderContext:
    """The context of a saved order: its products (in line order), their routes and key materials."""
    by_id = {p.id: p for p in (await session.scalars(select(Product).where(Product.id.in_(product_ids)))).all()}
    lines = tuple(LineInput(by_id[pid].sku, 1.0) for pid in product_ids)
    return await load_context(session, customer, lines)
