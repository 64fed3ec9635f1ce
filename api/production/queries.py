"""Production orders, oldest first, optionally of one status."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.production.types import ProductionOrder, ProductionOrderStatus
from domain.orders import production_orders as queries

DEFAULT_PAGE = 50


@strawberry.type
class ProductionQueries:
    @strawberry.field(description="Production orders, oldest first; `status` filters one status.")
    async def production_orders(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        status: Annotated[ProductionOrderStatus | None, strawberry.argument(
            description="Only production orders in this status; all when omitted.")] = None,
    ) -> Connection[ProductionOrder]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "productionOrders")
        async with ctx.db() as session:
            page = await queries.list_production_orders(session, size, position, status)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_production_orders(session, status)

        return connection(page, queries.OLDEST_FIRST, "productionOrders", ProductionOrder.from_row, count, position)
