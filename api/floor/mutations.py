"""Floor mutations: check the role, call the domain use case, shape the payload. No decision lives here."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.alerts.types import Alert
from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.node import parse_global_id
from api.core.permissions import require
from api.floor.inputs import AdvanceFeedbackInput, FeedbackInput, ForecastInput, IncidentInput, ProgressInput
from api.floor.types import (
    AtRiskOrder,
    Feedback,
    FeedbackPayload,
    Forecast,
    ForecastPayload,
    Incident,
    IncidentPayload,
    ProgressPayload,
    ProgressReport,
)
from api.orders.types import Order
from domain.access import Principal
from domain.errors import NotFound
from domain.floor.feedback import FeedbackOutcome, record_feedback
from domain.floor.feedback_workflow import FeedbackStep, advance_feedback
from domain.floor.forecasts import submit_forecast
from domain.floor.incidents import IncidentOutcome, report_incident
from domain.floor.progress import ProgressOutcome, report_progress
from domain.models import Feedback as FeedbackRow
from domain.models import Forecast as ForecastRow
from domain.models import Order as OrderRow
from domain.models import Role, utcnow

Info = strawberry.Info[Context, None]
# The `input` argument of each mutation, described for the schema (the input types describe their fields).
Progress = Annotated[ProgressInput, strawberry.argument(description="What was made, where, and of which product.")]
IncidentReport = Annotated[IncidentInput, strawberry.argument(description="What went wrong, where, and how much.")]
FeedbackReport = Annotated[FeedbackInput, strawberry.argument(description="Which order and what the customer said.")]
ForecastReport = Annotated[ForecastInput, strawberry.argument(description="Which product and week, in three tiers.")]


@strawberry.type
class FloorMutations:
    @strawberry.mutation(description="MES: quantity made and scrap on a line; stock, orders and plan follow.")
    async def report_progress(self, info: Info, input: Progress) -> ProgressPayload:
        async def use_case(session: AsyncSession, principal: Principal) -> ProgressOutcome:
            return await report_progress(
                session, require(principal, Role.MES), line_code=input.line_code, sku=input.sku,
                quantity=input.quantity, scrap=input.scrap, scrap_reason=input.scrap_reason,
                order_code=input.order_code, at=input.at, broker=info.context.events,
            )

        outcome = await run_use_case(info, use_case)
        done = outcome.value
        if done is None:
            return ProgressPayload(progress=None, orders=[], errors=outcome.errors)
        report = ProgressReport(
            line_code=input.line_code, sku=input.sku, quantity=done.event.quantity, scrap=done.event.scrap,
            scrap_reason=done.event.scrap_reason, at=done.event.at, on_hand=done.product.on_hand,
            work_in_progress=done.product.work_in_progress,
        )
        return ProgressPayload(progress=report, orders=[Order.from_row(o) for o in done.orders], errors=[])

    @strawberry.mutation(description="MES: an equipment failure (line, hours) or a material shortage (material, qty).")
    async def report_incident(self, info: Info, input: IncidentReport) -> IncidentPayload:
        ctx = info.context

        async def use_case(session: AsyncSession, principal: Principal) -> IncidentOutcome:
            return await report_incident(
                session, require(principal, Role.MES), kind=input.kind, line_code=input.line_code,
                material_code=input.material_code, hours=input.hours, quantity=input.quantity,
                starts_at=input.starts_at, message=input.message, today=utcnow().date(),
                reserve_share=float(ctx.rule_book().capacity_policy().reserve_share), broker=ctx.events,
            )

        outcome = await run_use_case(info, use_case)
        done = outcome.value
        if done is None:
            return IncidentPayload(incident=None, at_risk=[], alerts=[], errors=outcome.errors)
        return IncidentPayload(
            incident=Incident.from_row(done.incident, input.line_code, input.material_code),
            at_risk=[AtRiskOrder.from_outcome(entry) for entry in done.at_risk],
            alerts=[Alert.from_row(a) for a in done.alerts],
            errors=[],
        )

    @strawberry.mutation(description="Sales: a complaint, return or special requirement on an order (R8).")
    async def record_feedback(self, info: Info, input: FeedbackReport) -> FeedbackPayload:
        async def use_case(session: AsyncSession, principal: Principal) -> FeedbackOutcome:
            return await record_feedback(
                session, require(principal, Role.PARTNER, Role.PLANNER), order_code=input.order_code,
                kind=input.kind, message=input.message, cause=input.cause, quantity=input.quantity, sku=input.sku,
                broker=info.context.events,
            )

        outcome = await run_use_case(info, use_case)
        done = outcome.value
        if done is None:
            return FeedbackPayload(feedback=None, order=None, errors=outcome.errors)
        return FeedbackPayload(
            feedback=Feedback.from_row(done.feedback, done.order.code), order=Order.from_row(done.order), errors=[]
        )

    @strawberry.mutation(description="Planner (production) or admin: move a complaint, return or requirement "
                         "forward (acknowledged, assigned, root cause, corrective action, resolved, closed); "
                         "each step is written to the order's history.")
    async def advance_feedback(
        self, info: Info,
        input: Annotated[AdvanceFeedbackInput, strawberry.argument(description="The feedback and the step.")],
    ) -> FeedbackPayload:
        type_name, pk = parse_global_id(input.id)

        async def use_case(session: AsyncSession, principal: Principal) -> tuple[FeedbackRow, OrderRow]:
            require(principal, Role.PLANNER)
            if type_name != "Feedback":
                raise NotFound("not the id of a feedback", ["input", "id"])
            step = FeedbackStep(pk, input.status, input.assignee, input.root_cause, input.corrective_action,
                                input.note)
            return await advance_feedback(session, principal, step, info.context.events)

        outcome = await run_use_case(info, use_case)
        if outcome.value is None:
            return FeedbackPayload(feedback=None, order=None, errors=outcome.errors)
        feedback, order = outcome.value
        return FeedbackPayload(feedback=Feedback.from_row(feedback, order.code), order=Order.from_row(order),
                               errors=[])

    @strawberry.mutation(description="Planner: low / mid / high forecast of a sku for a week (a Monday), the current "
                                     "week or later; an admin may force a past week.")
    async def submit_forecast(self, info: Info, input: ForecastReport) -> ForecastPayload:
        async def use_case(session: AsyncSession, principal: Principal) -> ForecastRow:
            return await submit_forecast(
                session, require(principal, Role.PLANNER), sku=input.sku, week=input.week, low=input.low,
                mid=input.mid, high=input.high, force=bool(input.force),
            )

        outcome = await run_use_case(info, use_case)
        if outcome.value is None:
            return ForecastPayload(forecast=None, errors=outcome.errors)
        return ForecastPayload(forecast=Forecast.from_row(outcome.value, input.sku), errors=[])
