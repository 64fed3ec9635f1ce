"""What a saved review leads to: today's instant outcome, or a wait for people's sign-offs with a hold (R3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.holding import Holding
from domain.models import Order, OrderEvent, OrderLine, OrderStatus, ReviewDecision
from domain.orders.assess import Assessment
from domain.orders.holds import hold_for_sign_offs, needs_people
from domain.orders.persist import apply_outcome, give_back_only, reserve_promise


def settled_status(order: Order, a: Assessment) -> OrderStatus:
    """Set the order's promise fields from the review; the status it moves to (RECEIVED while people sign off)."""
    status = apply_outcome(order, a)
    if needs_people(a):
        order.promised_date = None
        return OrderStatus.RECEIVED
    return status


async def settle_review(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                        actor: str | None, *, release: Holding | None = None,
                        suggested_cancelled: bool = False) -> tuple[OrderStatus, list[OrderEvent]]:
    """After the review row and deliveries are written: the status the order moves to (the caller sets it) and the
    events of orders an acceptance moved. An order that needs nobody is answered now, as before sign-offs.

    release: what the order, decided again without giving anything back first, held: given back in the same pass
    over the ledger rows as the new promise's hours are taken, after every other write. suggested_cancelled: the
    caller cancelled the order's SUGGESTED production orders already (persist.reserve_promise)."""
    status = settled_status(order, a)
    if needs_people(a):
        await hold_for_sign_offs(session, order, lines, a, release=release)
        return status, []
    if a.decision is ReviewDecision.ACCEPT:
        return status, await reserve_promise(session, order, lines, a, actor, release=release,
                                                   suggested_cancelled=suggested_cancelled)
    await give_back_only(session, release)
    return status, []
