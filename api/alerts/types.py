"""The Alert type: plain fields from the row, and the codes of what it is about through DataLoaders."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.catalog.dataloaders import line_code_of, sku_of
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.enums import expose_enum
from api.core.node import global_id
from api.orders.dataloaders import OrderLoaders
from domain import models
from domain.events.kinds import AlertKind, AlertSeverity

Info = strawberry.Info[Context, None]

expose_enum(AlertKind, "AlertKind", "What an alert is about.", {
    "LATE_ORDER": "An order at risk of missing its promised date, or already past it; `orderCode` names it.",
    "SAFETY_STOCK": "Finished goods of `sku` below their safety stock.",
    "MATERIAL": "The plan needs more of a material than stock and receipts will hold in time.",
    "INCIDENT": "A line down (`lineCode`) or a material lost, as the shop floor reported it.",
    "ORDER_REVIEW": "An open order brought in by `sop import` that the review rules would not accept as it stands "
                    "(its review lists the failed criteria); it stays booked as the plant's commitment until sales "
                    "and the customer agree what happens.",
})
expose_enum(AlertSeverity, "AlertSeverity", "How soon someone must act on an alert.", {
    "WARNING": "Act within the planning cycle: a promise or stock level is at risk.",
    "CRITICAL": "Act now: a rush order is late, stock is out, or a shortage is due before the next receipt.",
})


@strawberry.type(
    description="Something sales or production must look at. Every role reads alerts; a partner only those about "
    "its own customers' orders."
)
class Alert:
    id: strawberry.ID = strawberry.field(description="Opaque global id (Relay `node(id:)` finds it).")
    kind: AlertKind = strawberry.field(description="What the alert is about.")
    severity: AlertSeverity = strawberry.field(description="How soon someone must act.")
    message: str = strawberry.field(description="The alert in words, for people.")
    created_at: datetime = strawberry.field(description="When it was raised (UTC, ISO 8601).")
    open: bool = strawberry.field(description="False once the condition has cleared or someone closed it.")
    order_id: strawberry.Private[int | None]
    product_id: strawberry.Private[int | None]
    line_id: strawberry.Private[int | None]

    @strawberry.field(description="The order it is about (LATE_ORDER); null otherwise.")
    async def order_code(self, info: Info) -> str | None:
        if self.order_id is None:
            return None
        return await info.context.loader(OrderLoaders).code.load(self.order_id)  # type: ignore[no-any-return]

    @strawberry.field(description="The product it is about (SAFETY_STOCK); null otherwise.")
    async def sku(self, info: Info) -> str | None:
        return await sku_of(info.context, self.product_id)

    @strawberry.field(description="The production line it is about (INCIDENT on a line); null otherwise.")
    async def line_code(self, info: Info) -> str | None:
        return await line_code_of(info.context, self.line_id)

    @classmethod
    def from_row(cls, row: models.Alert) -> Alert:
        return from_attributes(
            cls, row, id=global_id("Alert", row.id), kind=AlertKind(row.kind), severity=AlertSeverity(row.severity)
        )
