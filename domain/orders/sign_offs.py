"""sign_off_order: a person approves or rejects the order's review for their role, or an admin overrides it (R3).

Who may answer: the role a PENDING sign-off names (technology, purchasing, production, finance, sales), for that
sign-off only. `override: true` settles every pending sign-off of the order at once, recorded OVERRIDDEN with
the person and the reason; only admin may override. When the last pending sign-off is approved the order gets
the outcome its review gave: ACCEPTED with the hours and stock it held, or PROPOSED (a proposal holds nothing).
A rejection REJECTS the order and gives its hold back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.bounds import shown
from domain.capacity.calendar import frozen_until, week_start
from domain.capacity.commit import commit
from domain.capacity.ledger import hold_writes
from domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from domain.events import EventPublisher, kinds
from domain.events.order_history import record_order_event
from domain.models import (
    CapacityReservation,
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderReview,
    OrderStatus,
    ReviewDecision,
    Role,
    SignOffStatus,
    utcnow,
)
from domain.orders.holds import close_pending, pending_sign_offs, release_hold
from domain.orders.lookup import claim_version
from domain.orders.production_orders import raise_for_order
from domain.orders.results import OrderResult
from domain.orders.retry import with_retries
from domain.orders.review import load_lines, publish
from domain.planning import WeekHours, insert_day_tasks
from domain.scoping import visible_orders
from rules import RuleBook

# The people who sign off (rules/actions.py SIGN_OFF_ROLES); admin overrides.
SIGNERS = (Role.TECHNOLOGY, Role.PURCHASING, Role.PRODUCTION, Role.FINANCE, Role.SALES)


@dataclass(frozen=True)
class SignOffInput:
    code: str
    expected_version: int
    approve: bool
    reason: str
    override: bool = False


def _check(principal: Principal, data: SignOffInput) -> str:
    if not principal.may(*SIGNERS):
        raise Forbidden(f"role {principal.role.value} may not sign off orders; the roles that do: "
                        f"{', '.join(r.value for r in SIGNERS)} (admin overrides)")
    if data.override and principal.role is not Role.ADMIN:
        raise Forbidden("only admin may override a review's sign-offs; sign off your own role's with "
                        "override: false", ["override"])
    reason = (bounds.text(data.reason, ["reason"]) or "").strip()
    if not reason:
        raise InvalidInput("reason is required: say why you approve, reject or override", ["reason"])
    return reason


async def sign_off_order(session: AsyncSession, principal: Principal, book: RuleBook, data: SignOffInput, today: date,
                         publisher: EventPublisher | None = None) -> OrderResult:
    reason = _check(principal, data)
    events: list[OrderEvent] = []

    async def attempt() -> OrderResult:
        events.clear()
        order = await session.scalar(select(Order).where(Order.code == data.code, visible_orders(principal)))
        if order is None:
            raise NotFound(f"order {shown(data.code)} does not exist", ["code"])
        pending = await pending_sign_offs(session, order.id) if order.status is OrderStatus.RECEIVED else []
        if not pending:
            raise InvalidTransition(f"order {data.code} is {order.status.value} and waits for no sign-off", ["code"])
        mine = pending if data.override else [s for s in pending if s.role == principal.role.value]
        if not mine:
            waiting = ", ".join(s.role for s in pending)
            hint = " (admin: use override: true)" if principal.role is Role.ADMIN else ""
            raise Forbidden(f"order {data.code} waits for sign-off by {waiting}, not {principal.role.value}{hint}")
        await claim_version(session, order, data.expected_version)
        now = utcnow()
        status = SignOffStatus.OVERRIDDEN if data.override else (
            SignOffStatus.APPROVED if data.approve else SignOffStatus.REJECTED)
        for sign_off in mine:
            sign_off.status, sign_off.by, sign_off.at, sign_off.reason = status, principal.actor, now, reason
        roles = ", ".join(s.role for s in mine)
        verb = "approved" if data.approve else "rejected"
        word = f"{verb} (override of {roles})" if data.override else f"{verb} for {roles}"
        left = [s for s in pending if s not in mine]
        after = {"roles": [s.role for s in mine], "approve": data.approve, "override": data.override,
                 "reason": reason}
        if not data.approve:
            await close_pending(session, order.id, "not needed: the order was rejected", principal.actor)
            hold_writes(session)  # the hold given back goes with the COMMIT (domain/capacity/commit.py)
            hours = await release_hold(session, order.id)
            await session.execute(delete(Delivery).where(Delivery.order_id == order.id))
            events.append(record_order_event(
                session, order, kinds.SIGNED_OFF, actor=principal.actor, to_status=OrderStatus.REJECTED,
                message=f"{word} by {principal.name}: {reason}; {hours:g} h held given back", after=after))
        elif left:
            events.append(record_order_event(
                session, order, kinds.SIGNED_OFF, actor=principal.actor, after=after,
                message=f"{word} by {principal.name}: {reason}; still waiting for {', '.join(s.role for s in left)}"))
        else:
            to_status = await _conclude(session, order, today, book.capacity_policy().frozen_days)
            promised = order.promised_date
            promise = f"promised {promised.isoformat()}" if promised else "proposed to the customer"
            events.append(record_order_event(
                session, order, kinds.SIGNED_OFF, actor=principal.actor, to_status=to_status, after=after,
                message=f"{word} by {principal.name}: {reason}; {promise}"))
        await commit(session)
        return OrderResult(order)

    outcome = await with_retries(session, attempt)
    await publish(publisher, events)
    return outcome


async def _conclude(session: AsyncSession, order: Order, today: date, frozen_days: int) -> OrderStatus:
    """Everyone agreed: the review's own outcome, an acceptance keeping the hours and stock it held; hours it holds
    in the running week join the day tasks of the plan in force (as an order accepted at once), or they would wait
    for the weekend replan and the promise would be missed."""
    review = await session.scalar(select(OrderReview).where(OrderReview.order_id == order.id)
                                  .order_by(OrderReview.id.desc()).limit(1))
    assert review is not None
    deliveries = (await session.scalars(select(Delivery).where(Delivery.order_id == order.id))).all()
    if review.decision is not ReviewDecision.ACCEPT:
        hold_writes(session)  # given back with the COMMIT
        await release_hold(session, order.id)  # nothing is held for a proposal; the customer's yes takes hours
        return OrderStatus.PROPOSED
    for delivery in deliveries:
        delivery.status = DeliveryStatus.PROMISED
    order.promised_date = max((d.date for d in deliveries), default=order.requested_date)
    lines = await load_lines(session, order.id)
    held = list((await session.scalars(select(CapacityReservation)
                                       .where(CapacityReservation.order_id == order.id))).all())
    # From tomorrow (today's tasks are on the floor already); a task inside the frozen window is kept frozen.
    first_day = min(today + timedelta(days=1), order.promised_date)
    product_of = {ln.id: ln.product_id for ln in lines}
    holdings = [WeekHours(r.line_id, product_of[r.order_line_id], r.hours) for r in held
                if r.week == week_start(first_day)]
    await insert_day_tasks(session, holdings, first_day, order.promised_date,
                           frozen_until=frozen_until(today, frozen_days), order_id=order.id)
    await raise_for_order(session, order, lines, [ln.quantity_to_make for ln in lines], held)
    return OrderStatus.ACCEPTED
