"""Plan consensus (R5): production and sales approve a DRAFT plan into force, or one of them rejects it.

Production's side is the planner or production role, sales' side the sales role; an admin stands in for the side
still missing (production first). Each approval names its person, and one person never approves both sides. When
both sides have approved, the draft goes into force (in_force.py) and the plan it was solved against is
superseded; a draft solved against a plan no longer in force is stale and cannot be approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, StalePlan
from domain.models import CurrentPlan, Plan, PlanApproval, PlanStatus, Role, utcnow
from domain.planning.in_force import InForce, enter_force, result_of, snapshot_of
from domain.planning.status import plan_status
from domain.planning.weekly import replan_lock

PRODUCTION, SALES = "production", "sales"
SIDES = (PRODUCTION, SALES)
SIDE_OF_ROLE = {Role.PLANNER: PRODUCTION, Role.PRODUCTION: PRODUCTION, Role.SALES: SALES}
MAX_REASON = 2000


@dataclass(frozen=True)
class Person:
    """Who decides: the name of the key or token, and its role."""

    name: str
    role: Role

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.name}"


@dataclass(frozen=True)
class Decision:
    plan_id: int
    in_force: InForce | None  # set when this approval put the plan in force


def _draft(session: Session, plan_id: int) -> Plan:
    """The plan, locked, if it is a DRAFT that may still be decided; a clear error otherwise."""
    plan = session.get(Plan, plan_id, with_for_update=True)
    if plan is None:
        raise NotFound(f"no plan with id {plan_id}", ["input", "planId"])
    in_force_id = session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))
    status = plan_status(plan.id, in_force_id, rejected=plan.rejected_at is not None,
                         was_in_force=plan.in_force_at is not None)
    if status is PlanStatus.REJECTED:
        raise InvalidTransition(f"plan version {plan.version} was rejected by {plan.rejected_by}: "
                                f"{plan.rejection_reason}", ["input", "planId"])
    if status is PlanStatus.IN_FORCE or plan.in_force_at is not None:
        raise InvalidTransition(f"plan version {plan.version} is not a draft: it "
                                f"{'is' if status is PlanStatus.IN_FORCE else 'was'} in force", ["input", "planId"])
    if plan.based_on_plan_id is None:  # the first plan of a plant, or one saved before plan consensus
        raise InvalidTransition(f"plan version {plan.version} is not a draft", ["input", "planId"])
    if plan.based_on_plan_id != in_force_id:
        base = session.get(Plan, plan.based_on_plan_id) if plan.based_on_plan_id else None
        now = session.get(Plan, in_force_id) if in_force_id else None
        raise StalePlan(
            f"plan version {plan.version} was solved against plan version {base.version if base else '-'}, but "
            f"version {now.version if now else '-'} is in force now: replan for a new draft", ["input", "planId"])
    return plan


def _reason(reason: str | None, required: bool) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise InvalidInput("a rejection needs a reason", ["input", "reason"])
    if len(text) > MAX_REASON:
        raise InvalidInput(f"reason is longer than {MAX_REASON} characters", ["input", "reason"])
    return text or None


def approve_plan(session: Session, plan_id: int, person: Person, reason: str | None, *, today: date) -> Decision:
    """Record one side's approval; the second side's puts the draft in force. Runs in the caller's transaction."""
    if person.role is not Role.ADMIN and person.role not in SIDE_OF_ROLE:
        raise Forbidden("approving a plan needs one of the roles: admin, planner, production, sales")
    why = _reason(reason, required=False)
    with replan_lock(session):
        plan = _draft(session, plan_id)
        given = {a.side: a for a in session.scalars(select(PlanApproval).where(PlanApproval.plan_id == plan.id))}
        if any(a.person == person.name for a in given.values()):
            raise InvalidTransition(f"{person.name} approved plan version {plan.version} already; the other side "
                                    "must approve it", ["input", "planId"])
        missing = [side for side in SIDES if side not in given]
        side = missing[0] if person.role is Role.ADMIN else SIDE_OF_ROLE[person.role]
        if side in given:
            raise InvalidTransition(f"the {side} side approved plan version {plan.version} already "
                                    f"({given[side].person}); the other side must approve it", ["input", "planId"])
        session.add(PlanApproval(plan_id=plan.id, side=side, role=person.role.value, person=person.name,
                                 at=utcnow(), reason=why))
        session.flush()
        if len(given) + 1 < len(SIDES):
            return Decision(plan.id, None)
        snapshot = snapshot_of(session, plan)
        cutoff = plan.order_cutoff or plan.created_at
        done = enter_force(session, plan, snapshot, result_of(session, plan, snapshot), today=today,
                           actor=person.actor, cutoff=cutoff)
        return Decision(plan.id, done)


def reject_plan(session: Session, plan_id: int, person: Person, reason: str | None) -> Decision:
    """Turn a draft down with a reason: it is REJECTED and never goes into force."""
    if person.role is not Role.ADMIN and person.role not in SIDE_OF_ROLE:
        raise Forbidden("rejecting a plan needs one of the roles: admin, planner, production, sales")
    why = _reason(reason, required=True)
    with replan_lock(session):
        plan = session.get(Plan, plan_id, with_for_update=True)
        if plan is None:
            raise NotFound(f"no plan with id {plan_id}", ["input", "planId"])
        in_force_id = session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))
        status = plan_status(plan.id, in_force_id, rejected=plan.rejected_at is not None,
                             was_in_force=plan.in_force_at is not None)
        if status is not PlanStatus.DRAFT:
            raise InvalidTransition(f"plan version {plan.version} is {status.value}, not a DRAFT: only a draft can "
                                    "be rejected", ["input", "planId"])
        plan.rejected_at, plan.rejected_by, plan.rejection_reason = utcnow(), person.actor, why
        session.flush()
        return Decision(plan.id, None)
