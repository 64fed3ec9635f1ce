"""The floor's mutation inputs, named as in the contract (extra optional fields are additions)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import api.floor.enums  # noqa: F401 - registers the floor's enums before the inputs below name them
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


@strawberry.input(description="One step of a feedback's workflow (R8), with what the step needs.")
class AdvanceFeedbackInput:
    id: strawberry.ID = strawberry.field(description="The feedback's id, as `feedback` gives it.")
    status: models.FeedbackStatus = strawberry.field(
        description="The step to move to: later than the current one (steps may be skipped, not undone).")
    assignee: str | None = strawberry.field(default=None, description="Who answers for it (needed from ASSIGNED).")
    root_cause: str | None = strawberry.field(default=None, description="Why it happened (needed from ROOT_CAUSE).")
    corrective_action: str | None = strawberry.field(
        default=None, description="What is done so it does not happen again (needed from CORRECTIVE_ACTION).")
    note: str | None = strawberry.field(default=None, description="A remark for the order's history.")
