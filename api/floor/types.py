"""GraphQL types of the floor's reports and their payloads: the object, what it changed, and errors."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import api.floor.enums  # noqa: F401 - registers the floor's enums before the types below name them
from api.alerts.types import Alert
from api.core.convert import from_attributes
from api.core.errors import UserError
from api.core.node import global_id
from api.floor import enums  # noqa: F401  (registers the floor's enums before any type uses them)
from api.orders.types import Order
from domain import models
from domain.floor.at_risk import AtRisk


@strawberry.type(description="One progress report as recorded, with the sku's stock after it.")
class ProgressReport:
    line_code: str = strawberry.field(description="The line that made the units.")
    sku: str = strawberry.field(description="The product made.")
    quantity: float = strawberry.field(description="Good units made, added to finished-goods stock.")
    scrap: float = strawberry.field(description="Units scrapped in the same run (0 when none was reported).")
    scrap_reason: str | None = strawberry.field(
        description="Why they were scrapped, as the floor said it; null when not given.")
    at: datetime = strawberry.field(description="When the units were made (UTC).")
    on_hand: float = strawberry.field(description="The product's finished-goods stock after this report, in units.")
    work_in_progress: float = strawberry.field(description="The product's units still in work after this report.")


@strawberry.type(description="The answer of reportProgress: the report as recorded and the orders it moved on.")
class ProgressPayload:
    progress: ProgressReport | None = strawberry.field(
        description="The recorded report; null when `errors` is not empty.")
    orders: list[Order] = strawberry.field(description="Orders the quantity made was counted against.")
    errors: list[UserError] = strawberry.field(
        description="Why the report was refused (unknown line, sku or order, a date in the future); empty on "
                    "success.")


@strawberry.type(description="An equipment failure or material shortage as recorded, with what it took away (R7).")
class Incident:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    kind: models.IncidentKind = strawberry.field(
        description="Equipment failure (takes a line's hours) or material shortage (takes material).")
    line_code: str | None = strawberry.field(
        description="The line that failed (EQUIPMENT_FAILURE); null for a shortage.")
    material_code: str | None = strawberry.field(
        description="The material short (MATERIAL_SHORTAGE); null for a failure.")
    hours: float | None = strawberry.field(
        description="Line hours lost (EQUIPMENT_FAILURE), taken from the weeks from startsAt on; null for a "
                    "shortage.")
    quantity: float | None = strawberry.field(
        description="Material units lost (MATERIAL_SHORTAGE); null for a failure.")
    starts_at: datetime = strawberry.field(
        description="When the incident began (UTC); when it was reported, unless the report said otherwise.")
    message: str | None = strawberry.field(description="The floor's words about it; null when none were given.")

    @classmethod
    def from_row(cls, row: models.Incident, line_code: str | None, material_code: str | None) -> Incident:
        return from_attributes(
            cls, row, id=global_id("Incident", row.id), line_code=line_code, material_code=material_code
        )


@strawberry.type(description="An order the incident made late: when it is now expected (null: no date found).")
class AtRiskOrder:
    order: Order = strawberry.field(description="The order, as it is after the incident.")
    expected_date: date | None = strawberry.field(
        description="The date the order can now be made by; null when no date within the horizon was found.")
    moved_hours: float = strawberry.field(description="Line hours of the order that had to move to later weeks.")

    @classmethod
    def from_outcome(cls, entry: AtRisk) -> AtRiskOrder:
        return cls(order=Order.from_row(entry.order), expected_date=entry.expected_date, moved_hours=entry.moved_hours)


@strawberry.type(
    description="The answer of reportIncident: the incident, the orders it put at risk and the alerts raised."
)
class IncidentPayload:
    incident: Incident | None = strawberry.field(
        description="The recorded incident; null when `errors` is not empty.")
    at_risk: list[AtRiskOrder] = strawberry.field(description="Orders now expected after their promised date.")
    alerts: list[Alert] = strawberry.field(
        description="Alerts raised by the incident (also pushed to the alerts subscription).")
    errors: list[UserError] = strawberry.field(
        description="Why the report was refused (e.g. a failure without lineCode or hours); empty on success.")


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


@strawberry.type(description="The answer of recordFeedback: the feedback as recorded and its order.")
class FeedbackPayload:
    feedback: Feedback | None = strawberry.field(
        description="The recorded feedback; null when `errors` is not empty.")
    order: Order | None = strawberry.field(
        description="The order it was recorded on, as it is now; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="Why it was refused (unknown order, a partner naming another customer's order); empty on "
                    "success.")


@strawberry.type(
    description="Sales' forecast of units of one product in one week, in three tiers (R14). Not for partners."
)
class Forecast:
    sku: str = strawberry.field(description="The product's stock-keeping unit code.")
    week: date = strawberry.field(description="The Monday of the week forecast.")
    low: float = strawberry.field(description="Units expected if demand is weak.")
    mid: float = strawberry.field(
        description="Units expected most likely; plans use it unless a replan asks for another tier.")
    high: float = strawberry.field(description="Units expected if demand is strong.")
    submitted_at: datetime = strawberry.field(
        description="When it was submitted (UTC); the newest per sku and week is the one in use.")
    submitted_by: str | None = strawberry.field(
        description="Who submitted it as `role:name`; null when not recorded.")

    @classmethod
    def from_row(cls, row: models.Forecast, sku: str) -> Forecast:
        return from_attributes(cls, row, sku=sku)


@strawberry.type(description="The answer of submitForecast.")
class ForecastPayload:
    forecast: Forecast | None = strawberry.field(description="The stored forecast; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="Why it was refused (week not a Monday, low > mid or mid > high, unknown sku); empty on "
                    "success.")


@strawberry.type(description="Units of one open order a line should start now with hours it has left idle (capacity "
                             "policy WORK-AHEAD); report them with reportProgress and the order's code.")
class WorkAheadTask:
    order_code: str = strawberry.field(description="The order they are made for.")
    sku: str = strawberry.field(description="The product to make.")
    quantity: float = strawberry.field(
        description="Units to start, whole, grossed up for the product's observed scrap.")
    hours: float = strawberry.field(description="The line hours they take.")
