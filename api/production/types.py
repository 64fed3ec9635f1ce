"""The ProductionOrder type and its payload: plain fields, the sku, line and order codes through DataLoaders."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.catalog.dataloaders import line_code_of, sku_of
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.enums import expose_enum
from api.core.errors import UserError
from api.core.node import global_id
from api.orders.dataloaders import OrderLoaders
from domain import models

Info = strawberry.Info[Context, None]
ProductionOrderStatus = models.ProductionOrderStatus
expose_enum(ProductionOrderStatus, "ProductionOrderStatus", "Where a production order stands (R11).", {
    "SUGGESTED": "Raised by the system; waits for a planner to release it (releaseProductionOrder).",
    "RELEASED": "Released by a planner: the shop floor may start it and the weekly replan plans it.",
    "DONE": "Made: the floor reported its quantity (a stock order), or its order line is made.",
    "CANCELLED": "No longer needed: its order was re-reviewed or cancelled before it was released.",
})


@strawberry.type(description="What a line must make, by when: raised for an order stock does not cover (R11) or "
                             "to bring a product back to its safety stock (R10); a planner releases it.")
class ProductionOrder:
    id: strawberry.ID = strawberry.field(description="Opaque global id; pass it to releaseProductionOrder.")
    code: str = strawberry.field(description="The production order's number, unique.")
    quantity: float = strawberry.field(description="Units to make.")
    quantity_made: float = strawberry.field(description="Units the floor reported against it (a stock order is DONE "
                                                        "once made; an order's once its order line is made).")
    due_date: date = strawberry.field(description="The day the units must be in stock.")
    status: ProductionOrderStatus = strawberry.field(
        description="Where it stands: suggested, released, done or cancelled.")
    reason: str = strawberry.field(
        description="Why it was raised, in words (the order it covers, or the safety stock it restores).")
    created_at: datetime = strawberry.field(description="When it was raised (UTC).")
    product_id: strawberry.Private[int]
    line_id: strawberry.Private[int | None]
    order_id: strawberry.Private[int | None]

    @strawberry.field(description="The product to make.")
    async def sku(self, info: Info) -> str:
        return await sku_of(info.context, self.product_id)  # type: ignore[return-value]

    @strawberry.field(description="The line it is routed to; null when no line is chosen yet.")
    async def line_code(self, info: Info) -> str | None:
        return await line_code_of(info.context, self.line_id)

    @strawberry.field(description="The customer order it covers; null when it restores safety stock.")
    async def order_code(self, info: Info) -> str | None:
        if self.order_id is None:
            return None
        return await info.context.loader(OrderLoaders).code.load(self.order_id)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: models.ProductionOrder) -> ProductionOrder:
        return from_attributes(cls, row, id=global_id("ProductionOrder", row.id))


@strawberry.type(description="The answer of releaseProductionOrder.")
class ProductionOrderPayload:
    production_order: ProductionOrder | None = strawberry.field(
        description="The production order as it is now; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="Why it was refused (not found, not SUGGESTED, not a planner); empty on success.")


@strawberry.input(description="The production order to release.")
class ReleaseProductionOrderInput:
    id: strawberry.ID = strawberry.field(description="The production order's `id`.")
