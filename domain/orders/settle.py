"""What a saved review leads to: today's instant outcome, or a wait for people's sign-offs with a hold (R3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Order, OrderEvent, OrderLine, OrderStatus, ReviewDecision
from domain.orders.assess import Assessment
from domain.orders.holds import hold_for_sign_offs, needs_people
from domain.orders.persist import apply_outcome, reserve_promise


async def settle_review(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                        actor: str | None) -> tuple[OrderStatus, list[OrderEvent]]:
    """After the review row and deliveries are written: the status the order moves to (the caller sets it) and the
    events of orders an acceptance moved. An order that needs nobody is answered now, as before sign-offs."""
    status = apply_outcome(order, a)
    if needs_people(a):
        await hold_for_sign_offs(session, order, lines, a)
        return OrderStatus.RECEIVED, []
    if a.decision is ReviewDecision.ACCEPT:
        return status, await reserve_promise(session, order, lines, a, actor)
    return status, []
