"""The Alert type: plain fields from the row, and the codes of what it is about through DataLoaders."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.catalog.dataloaders import line_code_of, sku_of
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.node import global_id
from api.orders.dataloaders import OrderLoaders
from domain import models
from domain.events.kinds import AlertKind, AlertSeverity

Info = strawberry.Info[Context, None]

strawberry.enum(AlertKind, name="AlertKind", description="What an alert is about.")
strawberry.enum(AlertSeverity, name="AlertSeverity", description="How soon someone must act on an alert.")


@strawberry.type
class Alert:
    id: strawberry.ID
    kind: AlertKind
    severity: AlertSeverity
    message: str
    created_at: datetime
    open: bool
    order_id: strawberry.Private[int | None]
    product_id: strawberry.Private[int | None]
    line_id: strawberry.Private[int | None]

    @strawberry.field
    async def order_code(self, info: Info) -> str | None:
        if self.order_id is None:
            return None
        return await info.context.loader(OrderLoaders).code.load(self.order_id)  # type: ignore[no-any-return]

    @strawberry.field
    async def sku(self, info: Info) -> str | None:
        return await sku_of(info.context, self.product_id)

    @strawberry.field
    async def line_code(self, info: Info) -> str | None:
        return await line_code_of(info.context, self.line_id)

    @classmethod
    def from_row(cls, row: models.Alert) -> Alert:
        return from_attributes(
            cls, row, id=global_id("Alert", row.id), kind=AlertKind(row.kind), severity=AlertSeverity(row.severity)
        )
