"""GraphQL types of the floor's reports and their payloads: the object, what it changed, and errors."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import api.floor.enums  # noqa: F401 - registers the floor's enums before the types below name them
from api.alerts.types import Alert
from api.core.convert import from_attributes
from api.core.errors import UserError
from api.core.node import global_id
from api.orders.types import Order
from domain import models
from domain.floor.at_risk import AtRisk


@strawberry.type(description="One progress report as recorded, with the sku's stock after it.")
class ProgressReport:
    line_code: str
    sku: str
    quantity: float
    scrap: float
    scrap_reason: str | None
    at: datetime
    on_hand: float
    work_in_progress: float


@strawberry.type
class ProgressPayload:
    progress: ProgressReport | None
    orders: list[Order] = strawberry.field(description="Orders the quantity made was counted against.")
    errors: list[UserError]


@strawberry.type
class Incident:
    id: strawberry.ID
    kind: models.IncidentKind
    line_code: str | None
    material_code: str | None
    hours: float | None
    quantity: float | None
    starts_at: datetime
    message: str | None

    @classmethod
    def from_row(cls, row: models.Incident, line_code: str | None, material_code: str | None) -> Incident:
        return from_attributes(
            cls, row, id=global_id("Incident", row.id), line_code=line_code, material_code=material_code
        )


@strawberry.type(description="An order the incident made late: when it is now expected (null: no date found).")
class AtRiskOrder:
    order: Order
    expected_date: date | None
    moved_hours: float

    @classmethod
    def from_outcome(cls, entry: AtRisk) -> AtRiskOrder:
        return cls(order=Order.from_row(entry.order), expected_date=entry.expected_date, moved_hours=entry.moved_hours)


@strawberry.type
class IncidentPayload:
    incident: Incident | None
    at_risk: list[AtRiskOrder] = strawberry.field(description="Orders now expected after their promised date.")
    alerts: list[Alert]
    errors: list[UserError]


@strawberry.type(description="A complaint, return or special requirement attached to an order (R8).")
class Feedback:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    order_code: str = strawberry.field(description="The order it is about.")
    kind: models.FeedbackKind = strawberry.field(description="Complaint, return or special requirement.")
    cause: models.FeedbackCause | None = strawberry.field(description="Whose it is, when known; null otherwise.")
    message: str = strawberry.field(description="What the customer said, as sales recorded it.")
    quantity: float | None = strawberry.field(description="Units concerned (returns), in units; null if none.")
    status: models.FeedbackStatus = strawberry.field(
        description="Where it stands: OPEN until production looks at it, then forward to CLOSED (advanceFeedback).")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC, ISO 8601).")
    created_by: str | None = strawberry.field(description="Who recorded it as `role:name`.")
    assignee: str | None = strawberry.field(description="The person who answers for it; null until ASSIGNED.")
    root_cause: str | None = strawberry.field(description="Why it happened, once found (ROOT_CAUSE); null before.")
    corrective_action: str | None = strawberry.field(
        description="What was done so it does not happen again (CORRECTIVE_ACTION); null before.")
    resolved_at: datetime | None = strawberry.field(description="When the customer's problem was solved (UTC).")
    closed_at: datetime | None = strawberry.field(description="When it was checked and filed (UTC).")

    @classmethod
    def from_row(cls, row: models.Feedback, order_code: str) -> Feedback:
        return from_attributes(cls, row, id=global_id("Feedback", row.id), order_code=order_code,
                               status=models.FeedbackStatus(row.status))


@strawberry.type
class FeedbackPayload:
    feedback: Feedback | None
    order: Order | None
    errors: list[UserError]


@strawberry.type(description="Sales' low / mid / high forecast of a sku for a week (R14), as submitted.")
class Forecast:
    sku: str
    week: date
    low: float
    mid: float
    high: float
    submitted_at: datetime = strawberry.field(description="When it was submitted (UTC).")
    submitted_by: str | None = strawberry.field(description="Who submitted it as `role:name`; null when not "
                                                            "recorded.")

    @classmethod
    def from_row(cls, row: models.Forecast, sku: str) -> Forecast:
        return from_attributes(cls, row, sku=sku)


@strawberry.type
class ForecastPayload:
    forecast: Forecast | None
    errors: list[UserError]
