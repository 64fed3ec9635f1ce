"""A review that routes an order to people (R3): the pending sign-offs and the tentative hold they keep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import held_rows
from domain.capacity.holding import Holding
from domain.capacity.ledger import create_rows, release_order, reserve_all
from domain.models import (
    Delivery,
    DeliveryStatus,
    Order,
    OrderLine,
    OrderSignOff,
    ReviewDecision,
    SignOffStatus,
    utcnow,
)
from domain.orders.assess import Assessment
from domain.orders.finished_goods import release_stock, take_stock
from domain.orders.overtime_rush import overtime_into_ledger
from domain.orders.production_orders import cancel_suggested
from domain.orders.stock_rush import replace_stock_tasks

SYSTEM = "system:sign-off-hold"  # the actor of what the hold's clock does (expiry), not a person
DELIVERIES = cast(Table, Delivery.__table__)
# Built once: held for the commit after the deliveries' held INSERT when the transaction holds its writes.
PROPOSE_DELIVERIES = (update(DELIVERIES).where(DELIVERIES.c.order_id == bindparam("of_order"))
                      .values(status=DeliveryStatus.PROPOSED))


def needs_people(a: Assessment) -> bool:
    """The review asked for sign-offs and did not reject: a rejection needs nobody to agree."""
    return bool(a.review.sign_offs) and a.decision is not ReviewDecision.REJECT


def holds_capacity(a: Assessment) -> bool:
    """Only an acceptance keeps hours while it waits: a proposal's hours are taken when the customer accepts it,
    and a rush order that would move others moves nobody until it is signed off."""
    return a.decision is ReviewDecision.ACCEPT and a.displacement is None


async def hold_for_sign_offs(session: AsyncSession, order: Order, lines: list[OrderLine], a: Assessment,
                             *, release: Holding | None = None) -> None:
    """The order stays RECEIVED with one PENDING sign-off per role; an acceptance's stock and hours are held
    (no production order raised yet) until the earliest hold_hours of the rules that asked have passed.

    release: what the order, decided again, held: given back in the same pass over the ledger rows. Everything
    else is written first, so the ledger rows stay locked only for the commit."""
    now = utcnow()
    order.promised_date = None
    if held_rows.holding(session):  # its deliveries' INSERT is held too (persist.write_deliveries): after it
        await held_rows.write(session, PROPOSE_DELIVERIES, {"of_order": order.id})
    else:
        await session.execute(update(Delivery).where(Delivery.order_id == order.id)
                              .values(status=DeliveryStatus.PROPOSED).execution_options(synchronize_session=False))
    until = now + timedelta(hours=min(request.hold_hours for request in a.review.sign_offs))
    session.add_all(OrderSignOff(order_id=order.id, role=request.role, status=SignOffStatus.PENDING, rule=request.rule,
                                 request_reason=request.reason, requested_at=now, hold_until=until)
                    for request in a.review.sign_offs)
    if not holds_capacity(a):
        if release is not None:
            await session.flush()
            await reserve_all(session, [], release=release)
        return
    await take_stock(session, lines, a.stock)
    await session.flush()
    await create_rows(session, a.promise.missing_rows)  # rows the decision only imagined (a new week)
    await overtime_into_ledger(session, a.postponable, a.promise, a.tasks_from, release)
    consumed = await reserve_all(session, a.promise.reservations(order.id, [ln.id for ln in lines]),
                                 a.promise.open_shares, a.promise.claim, release=release)
    await replace_stock_tasks(session, a.stock_cuts, a.tasks_from, consumed)


async def pending_sign_offs(session: AsyncSession, order_id: int, due_by: datetime | None = None
                            ) -> list[OrderSignOff]:
    """The order's PENDING sign-offs (with due_by: only those whose hold ran out by then), locked."""
    query = select(OrderSignOff).where(OrderSignOff.order_id == order_id, OrderSignOff.status == SignOffStatus.PENDING)
    if due_by is not None:
        query = query.where(OrderSignOff.hold_until <= due_by)
    return list((await session.scalars(query.order_by(OrderSignOff.id).with_for_update())).all())


async def close_pending(session: AsyncSession, order_id: int, why: str, by: str | None = None,
                        due_by: datetime | None = None) -> list[str]:
    """PENDING sign-offs of the order become EXPIRED (no longer asked for); returns their roles."""
    closed = await pending_sign_offs(session, order_id, due_by)
    for sign_off in closed:
        sign_off.status, sign_off.at, sign_off.reason, sign_off.by = SignOffStatus.EXPIRED, utcnow(), why, by
    return [sign_off.role for sign_off in closed]


async def release_hold(session: AsyncSession, order_id: int) -> float:
    """Give back the hours and stock a waiting order held; returns the hours."""
    released = await release_order(session, order_id)
    await release_stock(session, order_id)
    await cancel_suggested(session, order_id)
    return sum(r.hours for r in released)


async def sign_offs_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, list[OrderSignOff]]:
    """Every sign-off each order was asked for, oldest first (the API's Order.signOffs)."""
    found: dict[int, list[OrderSignOff]] = {i: [] for i in order_ids}
    for row in (await session.scalars(select(OrderSignOff).where(OrderSignOff.order_id.in_(order_ids))
                                      .order_by(OrderSignOff.order_id, OrderSignOff.id))).all():
        found[row.order_id].append(row)
    return found
