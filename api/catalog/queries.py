"""Catalogue queries: products, customers, productionLines, inventory (whole, and a page at a time)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.catalog.types import Customer, Product, ProductionLine, StockPosition
from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from domain import models
from domain.catalog import queries
from domain.paging import Page, Position


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="Products by sku.")
    async def products(
        self, info: strawberry.Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Product]:
        return await paged(info.context, first, after, "products", queries.PRODUCT_BY_SKU, queries.list_products,
                           queries.count_products, Product.from_row)

    @strawberry.field(description="Customers by code (a partner sees only its own).")
    async def customers(
        self, info: strawberry.Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Customer]:
        user = info.context.user
        return await paged(info.context, first, after, "customers", queries.CUSTOMER_BY_CODE,
                           lambda session, size, position: queries.list_customers(session, user, size, position),
                           lambda session: queries.count_customers(session, user), Customer.from_row)

    @strawberry.field(
        description="Every production line, by code, with its weekly capacity. Not for partners (FORBIDDEN)."
    )
    async def production_lines(self, info: strawberry.Info[Context, None]) -> list[ProductionLine]:
        async with info.context.db() as session:
            return [ProductionLine.from_row(row) for row in await queries.production_lines(session)]

    @strawberry.field(description="Finished-goods stock per sku; belowSafetyStock filters when given.")
    async def inventory(
        self,
        info: strawberry.Info[Context, None],
        below_safety_stock: Annotated[bool | None, strawberry.argument(
            description="true: only skus whose stock is below safety stock; all when omitted.")] = None,
    ) -> list[StockPosition]:
        async with info.context.db() as session:
            rows = await queries.stock_positions(session, below_safety_stock)
        return [StockPosition.from_row(row) for row in rows]

    @strawberry.field(description="The same stock positions as `inventory` a page at a time, by sku (Relay "
                      "connection). Not for partners (FORBIDDEN).")
    async def inventory_connection(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        below_safety_stock: Annotated[bool | None, strawberry.argument(
            description="true: only skus whose stock is below safety stock; false: the others; all when omitted.")
        ] = None,
    ) -> Connection[StockPosition]:
        positions: dict[int, queries.StockPosition] = {}  # product id -> its stock position, as the page read them

        async def fetch(session: AsyncSession, size: int, position: Position | None) -> Page[models.Product]:
            page, found = await queries.stock_page(session, size, position, below_safety_stock)
            positions.update(found)
            return page

        return await paged(info.context, first, after, "inventory", queries.PRODUCT_BY_SKU, fetch,
                           lambda session: queries.count_stock(session, below_safety_stock),
                           lambda p: StockPosition.from_row(positions[p.id]))
