"""What a saved review leads to: today's instant outcome, or a wait for people's sign-offs with a hold (R3)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.holding import Holding
from domain.models import Order, OrderEvent, OrderLine, OrderStatus, ReviewDecision
from domain.orders.assess import Assessment
from domain.orders.holds import hold_for_sign_offs, holds_capacity, needs_people
from domain.orders.persist import apply_outcome, give_back_only, reserve_promise


def settled_status(order: Order, a: Assessment) -> OrderStatus:
    """Set the order's promise fields from the review; the status it moves to (RECEIVED while people sign off)."""
    status = apply_outcome(order, a)
    if needs_people(a):
        order.promised_date = None
        return OrderStatus.RECEIVED
    return status


def takes_stock(a: Assessment) -> bool:
    """Whether settle_review takes the review's stock cover (finished_goods.take_stock): an acceptance holding its
    promise now (reserve_promise, unless tentative) or while people sign off (hold_for_sign_offs, holds_capacity)."""
    if needs_people(a):
        return holds_capacity(a)
    return a.decision is ReviewDecision.ACCEPT and not a.tentative


async def settle_review(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                        actor: str | None, *, release: Holding | None = None,
                        suggested_cancelled: bool = False, released: Mapping[int, float] | None = None
                        ) -> tuple[OrderStatus, list[OrderEvent]]:
    """After the review row and deliveries are written: the status the order moves to (the caller sets it) and the
    events of orders an acceptance moved. An order that needs nobody is answered now, as before sign-offs.

    release: what the order, decided again without giving anything back first, held: given back in the same pass
    over the ledger rows as the new promise's hours are taken, after every other write. suggested_cancelled: the
    caller cancelled the order's SUGGESTED production orders already (persist.reserve_promise); released: what its
    RELEASED ones make, read with that cancel."""
    status = settled_status(order, a)
    if needs_people(a):
        await hold_for_sign_offs(session, order, lines, a, release=release)
        return status, []
    if a.decision is ReviewDecision.ACCEPT:
        return status, await reserve_promise(session, order, lines, a, actor, release=release,
                                             suggested_cancelled=suggested_cancelled, released=released)
    await give_back_only(session, release)
    return status, []
