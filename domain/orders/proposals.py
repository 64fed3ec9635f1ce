"""respond_to_proposal: the customer takes a proposed date or split (if the plan still has it) or declines.

A declined proposal CANCELS the order: the customer withdrew it, the plant did not refuse it, so it
does not count as a rejection in the KPIs. A planned order a rush order asked to give way (R15) keeps its
promise on a decline instead: domain/orders/negotiations.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.capacity.calendar import frozen_until, weeks_from
from domain.capacity.commit import commit
from domain.capacity.ledger import LedgerView, hold_writes, load_ledger, reserve_all
from domain.events import EventPublisher, kinds
from domain.events.order_history import record_order_event
from domain.models import (
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ReviewDecision,
    utcnow,
)
from domain.orders.assess import PROMISE_HORIZON_WEEKS, Request, assess
from domain.orders.context import OrderContext, load_order_context, order_customer
from domain.orders.finished_goods import StockCover, stock_cover, take_stock
from domain.orders.inputs import LineInput
from domain.orders.lookup import claim_version, order_to_change
from domain.orders.negotiations import answer, negotiation_of
from domain.orders.persist import (
    apply_outcome,
    join_day_tasks,
    record_rush,
    reserve_promise,
    review_row,
    write_deliveries,
)
from domain.orders.promise import OrderPromise, build_ctp, order_claim, promise_order, takes_other_forecast
from domain.orders.results import OrderResult, review_result
from domain.orders.retry import with_retries
from domain.orders.review import load_lines, priced_lines, publish
from rules import RuleBook


async def _still_possible(session: AsyncSession, book: RuleBook, order: Order, lines: list[OrderLine],
                          context: OrderContext, proposed: list[tuple[int, float, date]], today: date
                          ) -> tuple[OrderPromise, StockCover] | None:
    """The promise (stock first, then hours) for the proposed deliveries if it can still keep every one of them."""
    policy = book.capacity_policy()
    earliest = max(today, frozen_until(today, policy.frozen_days) + timedelta(days=1))
    if any(day < earliest for _, _, day in proposed):
        return None
    # Stock first here too: the covered units ship from the shelf, only the rest needs the hours proposed.
    stock = await stock_cover(session, policy, [ln.product_id for ln in lines], [ln.quantity for ln in lines], today,
                              rush=order.rush)
    # The free hours (and its own forecast's) first; other skus' forecast hours only if they fall short, as assess.
    for other_skus in (False, True) if takes_other_forecast(policy, context, order.rush) else (False,):
        claim = await order_claim(session, context, order.requested_date, policy, earliest, other_skus=other_skus)
        view = await load_ledger(session, context.line_ids, weeks_from(today, PROMISE_HORIZON_WEEKS),
                                 policy.reserve_share, earliest, create_missing=True, claim=claim)
        promise = _keeps_every_delivery(view, context, stock, proposed, earliest, order.rush)
        if promise is not None:
            return promise, stock
    return None


def _keeps_every_delivery(view: LedgerView, context: OrderContext, stock: StockCover,
                          proposed: list[tuple[int, float, date]], earliest: date, rush: bool) -> OrderPromise | None:
    """The promise on this view for the last proposed day if every proposed delivery is ready by its day; else None."""
    ctp, rates = build_ctp(view, context)
    last = max(day for _, _, day in proposed)
    promise = promise_order(ctp, rates, view, stock, last, earliest, use_reserve=rush)
    if not promise.fits:
        return None
    for day in sorted({day for _, _, day in proposed if day < last}):
        early = promise_order(ctp, rates, view, stock, day, earliest, use_reserve=rush)
        for index in range(len(early.lines)):
            due = sum(q for line_index, q, d in proposed if line_index == index and d <= day)
            if early.lines[index].by_requested + 1e-6 < due:
                return None
    return promise


async def respond_to_proposal(
    session: AsyncSession, principal: Principal, book: RuleBook, code: str, expected_version: int, accept: bool,
    today: date, publisher: EventPublisher | None = None,
) -> OrderResult:
    events: list[OrderEvent] = []

    async def attempt() -> OrderResult:
        events.clear()
        order = await order_to_change(session, principal, code, (OrderStatus.PROPOSED,))
        await claim_version(session, order, expected_version)
        negotiation = await negotiation_of(session, order.id)
        if negotiation is not None:  # a rush order asked it to give way (R15): its promise stands on a decline
            events.extend(await answer(session, book, order, negotiation, accept, today, principal.actor))
            await session.commit()
            return OrderResult(order)
        lines = await load_lines(session, order.id)
        if not accept:
            await session.execute(delete(Delivery).where(Delivery.order_id == order.id))
            order.cancelled_at = utcnow()
            events.append(record_order_event(session, order, kinds.PROPOSAL_DECLINED, actor=principal.actor,
                                             to_status=OrderStatus.CANCELLED, message="the customer declined"))
            await session.commit()
            return OrderResult(order)
        customer = await order_customer(session, order.customer_id)
        context = await load_order_context(session, customer, [ln.product_id for ln in lines])
        deliveries = (await session.scalars(select(Delivery).where(Delivery.order_id == order.id))).all()
        by_id = {ln.id: i for i, ln in enumerate(lines)}
        proposed = [(by_id[d.order_line_id], d.quantity, d.date) for d in deliveries]
        still = await _still_possible(session, book, order, lines, context, proposed, today) if proposed else None
        if still is not None:
            promise, stock = still
            await take_stock(session, lines, stock)  # before the hours: products, then ledger rows, as everywhere
            for d in deliveries:
                d.status = DeliveryStatus.PROMISED
            order.promised_date = max(day for _, _, day in proposed)
            # Hours of the running week join its day tasks, as an order accepted at once (_still_possible's days).
            frozen = frozen_until(today, book.capacity_policy().frozen_days)
            await join_day_tasks(session, lines, promise, max(today, frozen + timedelta(days=1)), order.promised_date,
                                 frozen, rush=order.rush)
            events.append(record_order_event(
                session, order, kinds.PROPOSAL_ACCEPTED, actor=principal.actor, to_status=OrderStatus.ACCEPTED,
                message=f"the customer accepted; promised {order.promised_date.isoformat()}"))
            await session.flush()  # everything else first: the ledger rows stay locked only for the commit
            hold_writes(session)  # the ledger UPDATE goes with the COMMIT (domain/capacity/commit.py)
            await reserve_all(session, promise.reservations(order.id, [ln.id for ln in lines]), promise.open_shares,
                              promise.claim)
            await commit(session)
            return OrderResult(order)
        return await _propose_again(order, lines, context)

    async def _propose_again(order: Order, lines: list[OrderLine], context: OrderContext) -> OrderResult:
        """The plan no longer has the proposal's hours: review the order again from its requested date."""
        priced = priced_lines(context, [LineInput(p.sku, ln.quantity, ln.unit_price)
                                        for p, ln in zip(context.products, lines, strict=True)])
        a = await assess(session, book, Request(context, priced, order.requested_date, order.id), today,
                         saving=True)
        status = apply_outcome(order, a)
        result = await review_result(session, a, context, [p.quantity for p in priced], book.version)
        session.add(review_row(order, a, result))
        await write_deliveries(session, order, lines, a)
        await record_rush(session, order, a)
        events.append(record_order_event(
            session, order, kinds.PROPOSAL_RENEWED, actor=principal.actor, to_status=status,
            message=f"the proposal is no longer available; new review: {a.decision.value} ({a.review.reason})"))
        if a.decision is ReviewDecision.ACCEPT:
            hold_writes(session)  # decided: the ledger UPDATE goes with the COMMIT
            events.extend(await reserve_promise(session, order, lines, a, principal.actor))
        await commit(session)
        return OrderResult(order, result)

    outcome = await with_retries(session, attempt)
    await publish(publisher, events)
    return outcome

