"""Everything a review reads about an order's customer, products, routes and materials, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bounds import shown
from domain.capacity.yields import yields_and_practice
from domain.errors import InvalidInput, NotFound
from domain.models import BomItem, Customer, Material, MaterialReceipt, Product, ProductionLine, Routing
from domain.orders.inputs import LineInput

# Master data read as plain rows (Core on the session's connection): no ORM objects to build.
ROUTINGS, BOM = cast(Table, Routing.__table__), cast(Table, BomItem.__table__)
MATERIALS, RECEIPTS = cast(Table, Material.__table__), cast(Table, MaterialReceipt.__table__)
# Lines retired through the master data make nothing new: their routes are left out (a subquery, no extra trip).
ACTIVE_LINE = ROUTINGS.c.line_id.not_in(select(ProductionLine.id).where(ProductionLine.retired_at.is_not(None)))


@dataclass(frozen=True)
class KeyMaterial:
    """A key component: what is in stock and how long a purchase takes."""

    id: int
    on_hand: float
    lead_time_days: int
    code: str = ""  # how a review names it: 'M-0304 short by 1,406 pcs'
    unit: str = "pcs"


@dataclass
class OrderContext:
    """The master data behind one order, keyed by database id."""

    customer: Customer
    products: list[Product]  # in line order
    routes: dict[int, list[tuple[int, float]]]  # product id -> [(line id, units per hour)]
    bom: dict[int, list[tuple[int, float]]]  # product id -> [(material id, units per product unit)]
    materials: dict[int, KeyMaterial]
    receipts: dict[int, list[tuple[date, float]]] = field(default_factory=dict)  # material id -> open receipts
    yields: dict[int, float] = field(default_factory=dict)  # product id -> observed yield (absent: no history)
    # product id -> (progress reports with good units, good units) over all time (absent: never made); None: not read
    practice: dict[int, tuple[int, float]] | None = None

    @property
    def line_ids(self) -> list[int]:
        return sorted({line_id for routes in self.routes.values() for line_id, _ in routes})


Routes = dict[int, list[tuple[int, float]]]
# Built once (a statement per order, not its construction): the customer by :code, the :skus that exist, routes.
CUSTOMER_PRODUCTS = (
    select(Customer, Product, Routing.line_id, Routing.units_per_hour)
    .select_from(Customer)
    .outerjoin(Product, Product.sku.in_(bindparam("skus", expanding=True)))
    .outerjoin(Routing, and_(Routing.product_id == Product.id, ACTIVE_LINE))
    .where(Customer.code == bindparam("code"))
)


async def load_customer_products(session: AsyncSession, code: str, skus: list[str]
                                 ) -> tuple[Customer, dict[str, Product], Routes]:
    """The customer (NotFound if none), those of the skus that exist and their routes, in one statement."""
    rows = (await session.execute(CUSTOMER_PRODUCTS, {"code": code, "skus": skus})).all()
    if not rows:
        raise NotFound(f"customer {shown(code)} does not exist", ["customerCode"])
    if rows[0][0].retired_at is not None:
        raise InvalidInput(f"customer {shown(code)} is retired: it takes no new orders", ["customerCode"])
    routes: Routes = defaultdict(list)
    for _, product, line_id, units_per_hour in rows:
        if product is not None and line_id is not None and units_per_hour > 0:
            routes[product.id].append((line_id, units_per_hour))
    return rows[0][0], {product.sku: product for _, product, _, _ in rows if product is not None}, routes


async def load_context(session: AsyncSession, customer: Customer, lines: tuple[LineInput, ...],
                       by_sku: dict[str, Product] | None = None, routes: Routes | None = None) -> OrderContext:
    """Products by sku (NotFound names the line), routes, key materials and receipts.

    by_sku and routes: when already read with the customer (load_customer_products).
    """
    skus = [line.sku for line in lines]
    if by_sku is None:
        by_sku = {p.sku: p for p in (await session.scalars(select(Product).where(Product.sku.in_(skus)))).all()}
    for index, sku in enumerate(skus):
        if sku not in by_sku:
            raise NotFound(f"product {shown(sku)} does not exist", ["lines", str(index), "sku"])
        if by_sku[sku].retired_at is not None:
            raise InvalidInput(f"product {shown(sku)} is retired: it takes no new orders", ["lines", str(index), "sku"])
    products = [by_sku[sku] for sku in skus]
    ids = [p.id for p in products]
    if routes is None:
        routes = defaultdict(list)
        route_rows = await (await session.connection()).execute(
            select(ROUTINGS.c.product_id, ROUTINGS.c.line_id, ROUTINGS.c.units_per_hour)
            .where(ROUTINGS.c.product_id.in_(ids), ACTIVE_LINE))
        for product_id, line_id, units_per_hour in route_rows:
            if units_per_hour > 0:
                routes[product_id].append((line_id, units_per_hour))
    for index, product in enumerate(products):
        if not routes.get(product.id):
            raise InvalidInput(f"no production line can make {product.sku}", ["lines", str(index), "sku"])
    bom, materials, receipts = await load_bills(session, ids)
    yields, practice = await yields_and_practice(session, ids)
    return OrderContext(customer, products, dict(routes), bom, materials, receipts, yields, practice)


Bills = dict[int, list[tuple[int, float]]]
BILLS = (  # built once: the bills of :product_ids with their key components and open receipts
    select(BOM.c.product_id, BOM.c.material_id, BOM.c.quantity_per_unit, MATERIALS.c.id, MATERIALS.c.on_hand,
           MATERIALS.c.lead_time_days, MATERIALS.c.code, MATERIALS.c.unit,
           RECEIPTS.c.id, RECEIPTS.c.due_date, RECEIPTS.c.quantity)
    .select_from(BOM.outerjoin(MATERIALS, and_(MATERIALS.c.id == BOM.c.material_id, MATERIALS.c.key_component))
                 .outerjoin(RECEIPTS, and_(RECEIPTS.c.material_id == MATERIALS.c.id, RECEIPTS.c.received.is_(False))))
    .where(BOM.c.product_id.in_(bindparam("product_ids", expanding=True)))
)
Receipts = dict[int, list[tuple[date, float]]]


async def load_bills(session: AsyncSession, product_ids: list[int]) -> tuple[Bills, dict[int, KeyMaterial], Receipts]:
    """Bills of materials with their key components and open receipts, in one statement.

    A bill line repeats once per open receipt of its component; other components never bound a promise.
    """
    rows = await (await session.connection()).execute(BILLS, {"product_ids": list(product_ids)})
    bom: dict[int, dict[int, float]] = defaultdict(dict)
    materials: dict[int, KeyMaterial] = {}
    arrivals: dict[int, dict[int, tuple[date, float]]] = defaultdict(dict)
    for product_id, material_id, per_unit, key_id, on_hand, lead_time, code, unit, receipt_id, due, quantity in rows:
        bom[product_id][material_id] = per_unit
        if key_id is not None:
            materials[key_id] = KeyMaterial(key_id, on_hand, lead_time, code, unit)
            if receipt_id is not None:
                arrivals[key_id][receipt_id] = (due, quantity)
    receipts = {m: [arrival for _, arrival in sorted(found.items(), key=lambda item: (item[1][0], item[0]))]
                for m, found in arrivals.items()}
    return {p: list(items.items()) for p, items in bom.items()}, materials, receipts


async def load_order_context(session: AsyncSession, customer: Customer, product_ids: list[int]) -> OrderContext:
    """The context of a saved order: its products (in line order), their routes and key materials."""
    by_id = {p.id: p for p in (await session.scalars(select(Product).where(Product.id.in_(product_ids)))).all()}
    lines = tuple(LineInput(by_id[pid].sku, 1.0) for pid in product_ids)
    return await load_context(session, customer, lines)
