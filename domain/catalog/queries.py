"""Read-side catalogue queries: keyset pages, lookups by id in one statement, stock positions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.access import Principal
from domain.models import Customer, Product, ProductionLine, product_substitutes
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_customers

PRODUCT_BY_SKU = SortKey(Product.sku, PARSERS["text"], lambda p: p.sku)
CUSTOMER_BY_CODE = SortKey(Customer.code, PARSERS["text"], lambda c: c.code)


async def list_products(session: AsyncSession, first: int, after: Position | None = None) -> Page[Product]:
    return await fetch_page(session, select(Product), PRODUCT_BY_SKU, Product.id, first, after)


async def list_customers(
    session: AsyncSession, principal: Principal, first: int, after: Position | None = None
) -> Page[Customer]:
    """Customers the caller may see (a partner: only its own), by code."""
    stmt = select(Customer).where(visible_customers(principal))
    return await fetch_page(session, stmt, CUSTOMER_BY_CODE, Customer.id, first, after)


async def count_products(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def count_customers(session: AsyncSession, principal: Principal) -> int:
    stmt = select(func.count()).select_from(Customer).where(visible_customers(principal))
    return int(await session.scalar(stmt) or 0)


async def products_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Product]:
    rows = (await session.scalars(select(Product).where(Product.id.in_(ids)))).all()
    return {row.id: row for row in rows}


async def customers_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Customer]:
    """By id, unscoped: callers pass ids of rows (orders) already scoped to the caller."""
    rows = (await session.scalars(select(Customer).where(Customer.id.in_(ids)))).all()
    return {row.id: row for row in rows}


async def customer_by_code(session: AsyncSession, principal: Principal, code: str) -> Customer | None:
    return await session.scalar(select(Customer).where(Customer.code == code, visible_customers(principal)))


async def production_lines(session: AsyncSession) -> list[ProductionLine]:
    return list((await session.scalars(select(ProductionLine).order_by(ProductionLine.code))).all())


@dataclass(frozen=True)
class StockPosition:
    """Finished-goods stock of one sku against its safety stock, with substitutes that are in stock."""

    sku: str
    on_hand: float
    safety_stock: float
    substitutes_in_stock: list[str]

    @property
    def below_safety_stock(self) -> bool:
        return self.on_hand < self.safety_stock


def _stock(below_safety_stock: bool | None) -> Select[Product]:
    stmt = select(Product)
    if below_safety_stock is True:
        stmt = stmt.where(Product.on_hand < Product.safety_stock)
    elif below_safety_stock is False:
        stmt = stmt.where(Product.on_hand >= Product.safety_stock)
    return stmt


async def _positions(session: AsyncSession, products: Sequence[Product]) -> list[StockPosition]:
    """The products' stock with their in-stock substitutes, in one statement for all of them."""
    substitute = aliased(Product)
    subs = await session.execute(
        select(product_substitutes.c.product_id, substitute.sku)
        .join(substitute, substitute.id == product_substitutes.c.substitute_id)
        .where(substitute.on_hand > 0, product_substitutes.c.product_id.in_([p.id for p in products]))
        .order_by(substitute.sku)
    )
    in_stock: dict[int, list[str]] = defaultdict(list)
    for product_id, sku in subs:
        in_stock[product_id].append(sku)
    return [StockPosition(p.sku, p.on_hand, p.safety_stock, in_stock[p.id]) for p in products]


async def stock_positions(session: AsyncSession, below_safety_stock: bool | None = None) -> list[StockPosition]:
    """Two statements whatever the catalogue size: the products, then their in-stock substitutes."""
    products = (await session.scalars(_stock(below_safety_stock).order_by(Product.sku))).all()
    return await _positions(session, products)


async def stock_page(
    session: AsyncSession, first: int, after: Position | None, below_safety_stock: bool | None = None
) -> tuple[Page[Product], dict[int, StockPosition]]:
    """A page of stock positions by sku (the page's products and each one's position by product id)."""
    page = await fetch_page(session, _stock(below_safety_stock), PRODUCT_BY_SKU, Product.id, first, after)
    positions = await _positions(session, page.rows)
    return page, {product.id: position for product, position in zip(page.rows, positions, strict=True)}


async def count_stock(session: AsyncSession, below_safety_stock: bool | None = None) -> int:
    stmt = _stock(below_safety_stock).with_only_columns(func.count(Product.id))
    return int(await session.scalar(stmt) or 0)


async def lines_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, ProductionLine]:
    rows = (await session.scalars(select(ProductionLine).where(ProductionLine.id.in_(ids)))).all()
    return {row.id: row for row in rows}
