"""The feedback workflow (R8): acknowledged, assigned, root cause, corrective action, resolved, closed.

Steps go forward only (a step may be skipped, not undone); each needs what it names (an assignee, a root cause,
a corrective action) and is written to the order's history, so sales see where a complaint stands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.errors import InvalidInput, InvalidTransition, NotFound
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.models import Feedback, FeedbackStatus, Order, utcnow
from domain.scoping import visible_orders

STEPS = list(FeedbackStatus)
# What each step needs, by the field that holds it.
NEEDS = {FeedbackStatus.ASSIGNED: "assignee", FeedbackStatus.ROOT_CAUSE: "root_cause",
         FeedbackStatus.CORRECTIVE_ACTION: "corrective_action"}


@dataclass(frozen=True)
class FeedbackStep:
    feedback_id: int
    to_status: FeedbackStatus
    assignee: str | None = None
    root_cause: str | None = None
    corrective_action: str | None = None
    note: str | None = None


def _text(value: str | None, field: str, most: int = 2000) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(f"{field} is empty: say who or what", ["input", field])
    return bounds.text(cleaned, ["input", field], most)


async def advance_feedback(session: AsyncSession, principal: Principal, step: FeedbackStep,
                           broker: EventBroker | None = None) -> tuple[Feedback, Order]:
    found = (await session.execute(
        select(Feedback, Order).join(Order, Order.id == Feedback.order_id)
        .where(Feedback.id == step.feedback_id, visible_orders(principal)))).first()
    if found is None:
        raise NotFound(f"no feedback with id {step.feedback_id}", ["input", "id"])
    feedback, order = found
    current = FeedbackStatus(feedback.status)
    if STEPS.index(step.to_status) <= STEPS.index(current):
        raise InvalidTransition(f"feedback {feedback.id} is {current.value}: it moves forward only "
                                f"({' -> '.join(s.value for s in STEPS)})", ["input", "status"])
    given = {"assignee": _text(step.assignee, "assignee", 128), "root_cause": _text(step.root_cause, "rootCause"),
             "corrective_action": _text(step.corrective_action, "correctiveAction")}
    for name, value in given.items():
        if value is not None:
            setattr(feedback, name, value)
    for status, name in NEEDS.items():
        if STEPS.index(step.to_status) >= STEPS.index(status) and getattr(feedback, name) is None:
            camel = {"root_cause": "rootCause", "corrective_action": "correctiveAction"}.get(name, name)
            raise InvalidInput(f"{step.to_status.value} needs {camel} (give it with this step or an earlier one)",
                               ["input", camel])
    now = utcnow()
    feedback.status = step.to_status.value
    feedback.acknowledged_at = feedback.acknowledged_at or now
    if step.to_status in (FeedbackStatus.RESOLVED, FeedbackStatus.CLOSED):
        feedback.resolved_at = feedback.resolved_at or now
    if step.to_status is FeedbackStatus.CLOSED:
        feedback.closed_at = now
    details = [f"{label} {value}" for label, value in (("assigned to", given["assignee"]),
                                                       ("root cause:", given["root_cause"]),
                                                       ("corrective action:", given["corrective_action"]))
               if value is not None]
    note = _text(step.note, "note")
    message = f"{feedback.kind.value.lower()} {feedback.id} {step.to_status.value}" + (
        f": {'; '.join(details)}" if details else "") + (f" ({note})" if note else "")
    outbox = Outbox()
    outbox.order_events.append(record_order_event(session, order, kinds.FEEDBACK, actor=principal.actor,
                                                  message=message))
    await session.commit()
    await outbox.publish(broker)
    return feedback, order
