"""orderEvents: the history entries of the orders the caller may see, as they are committed."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from api.core.context import Context
from api.orders.types import OrderEvent
from domain.bounds import shown
from domain.catalog.queries import customer_by_code
from domain.errors import NotFound
from domain.events import ORDER_EVENTS
from domain.orders.queries import order_event_by_id


@strawberry.type
class OrderSubscriptions:
    @strawberry.subscription(description="Status changes, promises and delays; customerCode narrows to one customer.")
    async def order_events(
        self,
        info: strawberry.Info[Context, None],
        customer_code: Annotated[str | None, strawberry.argument(
            description="Only this customer's orders; all the caller may see when omitted.")] = None,
    ) -> AsyncGenerator[OrderEvent, None]:
        ctx = info.context
        principal = ctx.user
        if customer_code is not None:
            async with ctx.sessions() as session:
                if await customer_by_code(session, principal, customer_code) is None:
                    raise NotFound(f"customer {shown(customer_code)} does not exist", ["customerCode"])
        async with ctx.events.broker.subscribe(ORDER_EVENTS) as event_ids:
            async for event_id in event_ids:
                # The broker sends ids only: read the row back through the caller's scope.
                async with ctx.sessions() as session:
                    row = await order_event_by_id(session, principal, event_id, customer_code)
                if row is not None:
                    yield OrderEvent.from_row(row)
