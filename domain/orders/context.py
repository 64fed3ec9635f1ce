"""Everything a review reads about an order's customer, products, routes and materials, in a few queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import reference
from domain.bounds import shown
from domain.capacity.yields import yields_and_practice
from domain.errors import InvalidInput, NotFound
from domain.models import BomItem, Customer, Material, MaterialReceipt, Product, ProductionLine, Routing
from domain.orders.inputs import LineInput
from domain.orders.product_reads import ProductReads, read_products

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
    reads: ProductReads | None = None  # a new order's stock and forecast rows, read with the yields

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
    """The customer (NotFound if none), those of the skus that exist and their routes, in one statement; from this
    process's copy of all customers, products and routes when the transaction read the master-data version
    (domain/reference.py: the copy is read whole on first use after the version moved)."""
    cache = await _masters(session)
    if cache is not None:
        held: Customer | None = cache.customers.get(code)
        if held is None:
            raise NotFound(f"customer {shown(code)} does not exist", ["customerCode"])
        _check_customer(held, code)
        known: dict[str, Product] = {sku: cache.products[sku] for sku in skus if sku in cache.products}
        return held, known, {p.id: cache.routes[p.id] for p in known.values() if cache.routes.get(p.id)}
    rows = (await session.execute(CUSTOMER_PRODUCTS, {"code": code, "skus": skus})).all()
    if not rows:
        raise NotFound(f"customer {shown(code)} does not exist", ["customerCode"])
    customer: Customer = rows[0][0]
    routes: Routes = defaultdict(list)
    for _, product, line_id, units_per_hour in rows:
        if product is not None and line_id is not None and units_per_hour > 0:
            routes[product.id].append((line_id, units_per_hour))
    _check_customer(customer, code)
    return customer, {product.sku: product for _, product, _, _ in rows if product is not None}, routes


async def _masters(session: AsyncSession) -> reference.ReferenceCache | None:
    """This process's copy of every customer, product and route when this transaction may use it (read whole on
    first use after the master-data version moved), else None: read from the database."""
    cache = reference.trusted(session)
    if cache is not None and "customers" not in cache.whole:
        await _read_all_customers_and_products(session)
        cache = reference.trusted(session)
    return cache if cache is not None and "customers" in cache.whole else None


async def order_customer(session: AsyncSession, customer_id: int) -> Customer:
    """A saved order's customer: from the process's copy (read only, detached) when trusted, else the session's."""
    cache = await _masters(session)
    customer: Customer | None = cache.customer_ids.get(customer_id) if cache is not None else None
    if customer is None:  # no copy, or a customer newer than the copy: the database has it (the order names it)
        customer = await session.get(Customer, customer_id)
    assert customer is not None
    return customer


# Built once: every customer; every product with its routes on lines not retired (the cache's whole copy).
ALL_CUSTOMERS = select(Customer)
ALL_PRODUCTS = select(Product, ROUTINGS.c.line_id, ROUTINGS.c.units_per_hour).outerjoin(
    ROUTINGS, and_(ROUTINGS.c.product_id == Product.id, ACTIVE_LINE))


async def _read_all_customers_and_products(session: AsyncSession) -> None:
    """Fill the cache with every customer, product and route (medium plant: 300 and 500; hundreds of ms at most,
    once per master-data version), unless the version moved meanwhile."""
    customers = list((await session.scalars(ALL_CUSTOMERS)).all())
    rows = (await session.execute(ALL_PRODUCTS)).all()
    cache = reference.trusted(session)
    if cache is None:
        return
    products: dict[str, Product] = {}
    routes: Routes = defaultdict(list)
    for product, line_id, units_per_hour in rows:
        products[product.sku] = product
        if line_id is not None and units_per_hour > 0:
            routes[product.id].append((line_id, units_per_hour))
    # Out of the session: a rollback must not expire what other requests read (nothing here changes them).
    for row in (*customers, *products.values()):
        session.expunge(row)
    cache.products.update(products)
    cache.product_ids.update({p.id: p for p in products.values()})
    cache.routes.update(routes)
    cache.customers.update({c.code: c for c in customers})
    cache.customer_ids.update({c.id: c for c in customers})
    cache.whole.add("customers")


def _check_customer(customer: Customer, code: str) -> None:
    if customer.retired_at is not None:
        raise InvalidInput(f"customer {shown(code)} is retired: it takes no new orders", ["customerCode"])


async def load_context(session: AsyncSession, customer: Customer, lines: tuple[LineInput, ...],
                       by_sku: dict[str, Product] | None = None, routes: Routes | None = None,
                       requested: date | None = None, order_id: int | None = None) -> OrderContext:
    """Products by sku (NotFound names the line), routes, key materials and receipts.

    by_sku and routes: when already read with the customer (load_customer_products). requested: the order's
    requested date: its products' stock and that week's forecast are read with the yields (product_reads.py);
    order_id: a saved order's, whose own lines do not count as ordered of that week.
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
    if requested is None:
        yields, practice = await yields_and_practice(session, ids)
        return OrderContext(customer, products, dict(routes), bom, materials, receipts, yields, practice)
    reads = await read_products(session, ids, requested, order_id)
    return OrderContext(customer, products, dict(routes), bom, materials, receipts, reads.yields, reads.practice,
                        reads)


Bills = dict[int, list[tuple[int, float]]]
ALL_BILLS = (  # built once: every bill with its key components and open receipts
    select(BOM.c.product_id, BOM.c.material_id, BOM.c.quantity_per_unit, MATERIALS.c.id, MATERIALS.c.on_hand,
           MATERIALS.c.lead_time_days, MATERIALS.c.code, MATERIALS.c.unit,
           RECEIPTS.c.id, RECEIPTS.c.due_date, RECEIPTS.c.quantity)
    .select_from(BOM.outerjoin(MATERIALS, and_(MATERIALS.c.id == BOM.c.material_id, MATERIALS.c.key_component))
                 .outerjoin(RECEIPTS, and_(RECEIPTS.c.material_id == MATERIALS.c.id, RECEIPTS.c.received.is_(False))))
)
BILLS = ALL_BILLS.where(BOM.c.product_id.in_(bindparam("product_ids", expanding=True)))  # those of :product_ids
Receipts = dict[int, list[tuple[date, float]]]


Bill = tuple[list[tuple[int, float]], dict[int, KeyMaterial], Receipts]  # one product's: items, components, receipts


async def load_bills(session: AsyncSession, product_ids: list[int]) -> tuple[Bills, dict[int, KeyMaterial], Receipts]:
    """Bills of materials with their key components and open receipts, in one statement; from this process's copy of
    every bill when the transaction read the master-data version (domain/reference.py: read whole on first use).

    A bill line repeats once per open receipt of its component; other components never bound a promise.
    """
    cache = reference.trusted(session)
    if cache is not None and "bills" not in cache.whole:
        read = await _read_bills(session, None)
        cache = reference.trusted(session)
        if cache is not None:
            cache.bills.update(read)
            cache.whole.add("bills")
    known: dict[int, Bill] = (
        {p: cache.bills.get(p, EMPTY_BILL) for p in product_ids} if cache is not None and "bills" in cache.whole
        else await _read_bills(session, product_ids))
    bom: Bills = {}
    materials: dict[int, KeyMaterial] = {}
    receipts: Receipts = {}
    for product_id in product_ids:
        items, components, arrivals = known.get(product_id, EMPTY_BILL)
        if items:
            bom[product_id] = items
        materials.update(components)
        receipts.update(arrivals)
    return bom, materials, receipts


EMPTY_BILL: Bill = ([], {}, {})


async def _read_bills(session: AsyncSession, product_ids: list[int] | None) -> dict[int, Bill]:
    """The bills of these products (None: of all), each with its key components and their open receipts."""
    connection = await session.connection()
    rows = await (connection.execute(ALL_BILLS) if product_ids is None
                  else connection.execute(BILLS, {"product_ids": list(product_ids)}))
    bom: dict[int, dict[int, float]] = defaultdict(dict)
    materials: dict[int, dict[int, KeyMaterial]] = defaultdict(dict)
    arrivals: dict[int, dict[int, dict[int, tuple[date, float]]]] = defaultdict(lambda: defaultdict(dict))
    for product_id, material_id, per_unit, key_id, on_hand, lead_time, code, unit, receipt_id, due, quantity in rows:
        bom[product_id][material_id] = per_unit
        if key_id is not None:
            materials[product_id][key_id] = KeyMaterial(key_id, on_hand, lead_time, code, unit)
            if receipt_id is not None:
                arrivals[product_id][key_id][receipt_id] = (due, quantity)
    return {p: (list(bom[p].items()) if p in bom else [], dict(materials[p]) if p in materials else {},
                {m: [arrival for _, arrival in sorted(found.items(), key=lambda item: (item[1][0], item[0]))]
                 for m, found in arrivals[p].items()} if p in arrivals else {})
            for p in (product_ids if product_ids is not None else bom)}


async def load_order_context(session: AsyncSession, customer: Customer, product_ids: list[int],
                             requested: date | None = None, order_id: int | None = None) -> OrderContext:
    """The context of a saved order: its products (in line order), their routes and key materials; products and
    routes from the process's copy when trusted (as a new order's), else read. requested, order_id: as load_context."""
    cache = await _masters(session)
    if cache is not None and all(pid in cache.product_ids for pid in product_ids):
        by_id: dict[int, Product] = {pid: cache.product_ids[pid] for pid in product_ids}
        routes: Routes | None = {pid: cache.routes[pid] for pid in by_id if cache.routes.get(pid)}
    else:  # no copy, or a product newer than the copy
        by_id, routes = {p.id: p for p in (await session.scalars(
            select(Product).where(Product.id.in_(product_ids)))).all()}, None
    lines = tuple(LineInput(by_id[pid].sku, 1.0) for pid in product_ids)
    return await load_context(session, customer, lines, {p.sku: p for p in by_id.values()}, routes, requested, order_id)
