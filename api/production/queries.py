"""Production orders, oldest first, optionally of one status."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from api.production.types import ProductionOrder, ProductionOrderStatus
from domain.orders import production_orders as queries


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
        return await paged(
            info.context, first, after, "productionOrders", queries.OLDEST_FIRST,
            lambda session, size, position: queries.list_production_orders(session, size, position, status),
            lambda session: queries.count_production_orders(session, status), ProductionOrder.from_row)
