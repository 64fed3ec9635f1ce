"""The floor's mutation inputs, named as in the contract (extra optional fields are additions)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.floor import enums  # noqa: F401  (registers the floor's enums first)
from domain import models


@strawberry.input(description="What the shop floor (MES) made: units of one product on one line (R7).")
class ProgressInput:
    line_code: str = strawberry.field(description="The line's code; unknown is NOT_FOUND.")
    sku: str = strawberry.field(description="The product made; unknown is NOT_FOUND.")
    quantity: float = strawberry.field(
        description="Good units made, 0 or more; they go into finished-goods stock and to the orders waiting for "
                    "them.")
    scrap: float | None = strawberry.field(
        default=None, description="Units scrapped in the same run, 0 or more; 0 when omitted.")
    scrap_reason: str | None = strawberry.field(
        default=None, description="Why they were scrapped, in words (short text).")
    order_code: str | None = strawberry.field(
        default=None, description="The order the units were made for; omitted: the orders waiting for the sku, "
                                  "first promised first.")
    at: datetime | None = strawberry.field(
        default=None, description="When they were made, with a UTC offset, not in the future; now when omitted.")


@strawberry.input(
    description="An equipment failure or a material shortage on the floor (R7); promises are re-checked."
)
class IncidentInput:
    kind: models.IncidentKind = strawberry.field(
        description="EQUIPMENT_FAILURE needs lineCode and hours; MATERIAL_SHORTAGE needs materialCode and quantity.")
    line_code: str | None = strawberry.field(default=None, description="The line that failed (EQUIPMENT_FAILURE).")
    material_code: str | None = strawberry.field(default=None, description="The material short (MATERIAL_SHORTAGE).")
    hours: float | None = strawberry.field(
        default=None, description="Line hours lost, more than 0 (EQUIPMENT_FAILURE).")
    quantity: float | None = strawberry.field(
        default=None, description="Material units lost, more than 0 (MATERIAL_SHORTAGE).")
    starts_at: datetime | None = strawberry.field(
        default=None, description="When it began, with a UTC offset; now when omitted.")
    message: str | None = strawberry.field(default=None, description="The floor's words about it.")


@strawberry.input(description="A complaint, return or special requirement from a customer about an order (R8).")
class FeedbackInput:
    order_code: str = strawberry.field(
        description="The plant's order number; a partner may name only its own customers' orders.")
    kind: models.FeedbackKind = strawberry.field(description="Complaint, return or requirement.")
    message: str = strawberry.field(description="What the customer said; not empty.")
    cause: models.FeedbackCause | None = strawberry.field(
        default=None, description="Whose it is, when known: only PRODUCTION complaints count in the complaint rate.")
    quantity: float | None = strawberry.field(default=None, description="Units coming back with a RETURN.")
    sku: str | None = strawberry.field(default=None, description="Which line, when the order has several.")


@strawberry.input(description="Sales' forecast for one product and week in three tiers (R14); low <= mid <= high.")
class ForecastInput:
    sku: str = strawberry.field(description="The product's stock-keeping unit code.")
    week: date = strawberry.field(description="The Monday of the week (another day is INVALID).")
    low: float = strawberry.field(description="Units if demand is weak, 0 or more, at most mid.")
    mid: float = strawberry.field(description="Units most likely, at most high.")
    high: float = strawberry.field(description="Units if demand is strong.")
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
