"""Catalogue queries: products, customers, productionLines, inventory (whole, and a page at a time)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.catalog.types import Customer, Product, ProductionLine, StockPosition
from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from domain.catalog import queries

DEFAULT_PAGE = 50


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="Products by sku.")
    async def products(
        self, info: strawberry.Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Product]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "products")
        async with ctx.db() as session:
            page = await queries.list_products(session, size, position)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_products(session)

        return connection(page, queries.PRODUCT_BY_SKU, "products", Product.from_row, count, position)

    @strawberry.field(description="Customers by code (a partner sees only its own).")
    async def customers(
        self, info: strawberry.Info[Context, None], first: First = None, after: After = None
    ) -> Connection[Customer]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "customers")
        async with ctx.db() as session:
            page = await queries.list_customers(session, ctx.user, size, position)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_customers(session, ctx.user)

        return connection(page, queries.CUSTOMER_BY_CODE, "customers", Customer.from_row, count, position)

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
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "inventory")
        async with ctx.db() as session:
            page, positions = await queries.stock_page(session, size, position, below_safety_stock)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_stock(session, below_safety_stock)

        return connection(page, queries.PRODUCT_BY_SKU, "inventory", lambda p: StockPosition.from_row(positions[p.id]),
                          count, position)
