"""The floor's mutation inputs, named as in the contract (extra optional fields are additions)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from domain import models


@strawberry.input
class ProgressInput:
    line_code: str
    sku: str
    quantity: float
    scrap: float | None = None
    scrap_reason: str | None = None
    order_code: str | None = None
    at: datetime | None = None


@strawberry.input
class IncidentInput:
    kind: models.IncidentKind
    line_code: str | None = None
    material_code: str | None = None
    hours: float | None = None
    quantity: float | None = None
    starts_at: datetime | None = None
    message: str | None = None


@strawberry.input
class FeedbackInput:
    order_code: str
    kind: models.FeedbackKind
    message: str
    cause: models.FeedbackCause | None = None
    quantity: float | None = strawberry.field(default=None, description="Units coming back with a RETURN.")
    sku: str | None = strawberry.field(default=None, description="Which line, when the order has several.")


@strawberry.input
class ForecastInput:
    sku: str
    week: date
    low: float
    mid: float
    high: float
    force: bool | None = strawberry.field(
        default=None, description="Admin only (others get FORBIDDEN): accept a week before the current one, which is "
                                  "otherwise refused.")
