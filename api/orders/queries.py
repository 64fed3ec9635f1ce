"""Order queries: the orders connection (keyset pages), order(code) and node(id); all scoped by the domain."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.node import Node, parse_global_id
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.core.selection import selected_below
from api.orders.filters import OrderFilter, OrderOrderBy, SortDirection
from api.orders.preload import preload_children
from api.orders.types import Order
from domain.orders import queries
from domain.orders.queries import OrderSearch

DEFAULT_PAGE = 50
Info = strawberry.Info[Context, None]


@strawberry.type
class OrderQueries:
    @strawberry.field(description="Orders the caller may see; cursors stay valid while orders are added.")
    async def orders(
        self,
        info: Info,
        first: First = DEFAULT_PAGE,
        after: After = None,
        filter: Annotated[OrderFilter | None, strawberry.argument(
            description="Only the orders matching every criterion given.")] = None,
        order_by: Annotated[OrderOrderBy | None, strawberry.argument(
            description="Sort field and direction; by receivedAt, oldest first, when omitted.")] = None,
    ) -> Connection[Order]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        order_by = order_by or OrderOrderBy()
        ordering = f"orders:{order_by.field.value}:{order_by.direction.value}"
        position = decode_cursor(after, ordering)
        search = filter.to_search() if filter else OrderSearch()
        descending = order_by.direction is SortDirection.DESC
        async with ctx.db() as session:
            page = await queries.list_orders(session, ctx.user, search, size, position, order_by.field, descending)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_orders(session, ctx.user, search)

        key = queries.SORT_KEYS[order_by.field]
        found = connection(page, key, ordering, Order.from_row, count, position)
        nodes = [edge.node for edge in found.edges]
        await preload_children(info, nodes, selected_below(info.selected_fields, "orders", "edges", "node"))
        return found

    @strawberry.field(description="One order by its code; null when it does not exist for the caller.")
    async def order(
        self, info: Info, code: Annotated[str, strawberry.argument(description="The plant's order number.")]
    ) -> Order | None:
        async with info.context.db() as session:
            row = await queries.order_by_code(session, info.context.user, code)
        return Order.from_row(row) if row is not None else None

    @strawberry.field(description="Any object by its global id; null when it does not exist for the caller.")
    async def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(
            description="A global id as an object's `id` field gave it (today: an Order's).")],
    ) -> Node | None:
        type_name, pk = parse_global_id(id)
        if type_name != "Order":
            return None
        async with info.context.db() as session:
            row = await queries.order_by_id(session, info.context.user, pk)
        return Order.from_row(row) if row is not None else None
