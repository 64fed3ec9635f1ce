"""The ProductionOrder type and its payload: plain fields, the sku, line and order codes through DataLoaders."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.catalog.dataloaders import line_code_of, sku_of
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.errors import UserError
from api.core.node import global_id
from api.orders.dataloaders import OrderLoaders
from domain import models

Info = strawberry.Info[Context, None]
ProductionOrderStatus = strawberry.enum(models.ProductionOrderStatus, name="ProductionOrderStatus")


@strawberry.type(description="What a line must make, by when: raised for an order stock does not cover (R11) or "
                             "to bring a product back to its safety stock (R10); a planner releases it.")
class ProductionOrder:
    id: strawberry.ID
    code: str
    quantity: float
    quantity_made: float = strawberry.field(description="Units the floor reported against it (a stock order is DONE "
                                                        "once made; an order's once its order line is made).")
    due_date: date
    status: ProductionOrderStatus  # type: ignore[valid-type]
    reason: str
    created_at: datetime
    product_id: strawberry.Private[int]
    line_id: strawberry.Private[int | None]
    order_id: strawberry.Private[int | None]

    @strawberry.field
    async def sku(self, info: Info) -> str:
        return await sku_of(info.context, self.product_id)  # type: ignore[return-value]

    @strawberry.field
    async def line_code(self, info: Info) -> str | None:
        return await line_code_of(info.context, self.line_id)

    @strawberry.field
    async def order_code(self, info: Info) -> str | None:
        if self.order_id is None:
            return None
        return await info.context.loader(OrderLoaders).code.load(self.order_id)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: models.ProductionOrder) -> ProductionOrder:
        return from_attributes(cls, row, id=global_id("ProductionOrder", row.id))


@strawberry.type
class ProductionOrderPayload:
    production_order: ProductionOrder | None
    errors: list[UserError]


@strawberry.input
class ReleaseProductionOrderInput:
    id: strawberry.ID
