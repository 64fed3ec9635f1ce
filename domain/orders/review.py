"""quote_order (review, nothing saved) and create_order (review, save, reserve: one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.bounds import shown
from domain.capacity import held_rows
from domain.capacity.commit import announce_after_commit
from domain.capacity.ledger import hold_writes
from domain.errors import Forbidden, NotFound
from domain.events import EventPublisher, kinds
from domain.models import (
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ReviewDecision,
    Role,
    utcnow,
)
from domain.orders.assess import Assessment, Request, assess
from domain.orders.context import OrderContext, load_context, load_customer_products
from domain.orders.facts import PricedLine, amount_of, margin_of
from domain.orders.finished_goods import lock_and_count, units_wanted
from domain.orders.holds import hold_for_sign_offs, needs_people
from domain.orders.inputs import LineInput, OrderInput, validate_amount, validate_lines, validate_requested_date
from domain.orders.keyed import keyed_change
from domain.orders.new_rows import insert_new_order
from domain.orders.numbers import number_taken, order_numbers
from domain.orders.persist import apply_outcome, new_deliveries, record_rush, reserve_promise, review_values
from domain.orders.results import OrderResult, ReviewResult, review_result
from domain.scoping import may_see_customer
from rules import RuleBook


def ensure_may_write(principal: Principal, customer_id: int | None = None, customer_code: str = "") -> None:
    """Partners write their own customers' orders only (others' do not exist for them: the answer is the one an
    unknown customer code gets); planners any."""
    if not principal.may(Role.PARTNER, Role.PLANNER):
        raise Forbidden(f"role {principal.role.value} may not change orders")
    if customer_id is not None and not may_see_customer(principal, customer_id):
        raise NotFound(f"customer {shown(customer_code)} does not exist", ["customerCode"])


def priced_lines(context: OrderContext, lines: Sequence[LineInput]) -> list[PricedLine]:
    """The lines at their given price or the list price; the order's total must fit the books."""
    priced = [PricedLine(line.quantity, line.unit_price if line.unit_price is not None else product.list_price,
                         product.unit_cost) for line, product in zip(lines, context.products, strict=True)]
    amount = amount_of(priced)
    validate_amount(amount, amount - margin_of(priced))
    return priced


async def _prepare(session: AsyncSession, principal: Principal, data: OrderInput, today: date
                   ) -> tuple[Customer, OrderContext, list[PricedLine]]:
    validate_lines(data.lines)
    validate_requested_date(data.requested_date, today)
    customer, by_sku, routes = await load_customer_products(session, data.customer_code,
                                                            [line.sku for line in data.lines])
    ensure_may_write(principal, customer.id, data.customer_code)
    context = await load_context(session, customer, data.lines, by_sku, routes, data.requested_date)
    return customer, context, priced_lines(context, data.lines)


async def quote_order(session: AsyncSession, principal: Principal, book: RuleBook, data: OrderInput, today: date
                      ) -> ReviewResult:
    """The review createOrder would give now; no row is written (missing ledger rows are only imagined)."""
    try:
        _, context, priced = await _prepare(session, principal, data, today)
        a = await assess(session, book, Request(context, priced, data.requested_date), today, saving=False)
        return await review_result(session, a, context, [p.quantity for p in priced], book.version)
    finally:
        await session.rollback()


async def publish(publisher: EventPublisher | None, events: Sequence[OrderEvent]) -> None:
    """After commit only: a rolled-back change is never announced."""
    if publisher is None:
        return
    for event in events:
        await publisher.publish_order_event(event.id)


async def load_lines(session: AsyncSession, order_id: int) -> list[OrderLine]:
    return list((await session.scalars(
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no))).all())


async def create_order(
    session: AsyncSession, principal: Principal, book: RuleBook, data: OrderInput, today: date,
    publisher: EventPublisher | None = None,
) -> OrderResult:
    """Review and save the order; an accepted one holds its line-week hours before the commit."""
    events: list[OrderEvent] = []
    announced: list[bool] = []  # this attempt's events go in its commit's message, after the COMMIT (PostgreSQL)

    async def create() -> OrderResult:
        events.clear()
        announced.clear()
        hold_writes(session)  # the ledger UPDATE goes with the COMMIT (keyed_change)
        held_rows.hold(session)  # and the reservation and production-order rows, which nothing reads back before it
        numbers = order_numbers(principal, data)
        # Decide first, writing nothing and holding no lock: facts, rules, the promise and the review's figures.
        customer, context, priced = await _prepare(session, principal, data, today)
        a = await assess(session, book, Request(context, priced, data.requested_date), today, saving=False)
        result = await review_result(session, a, context, [p.quantity for p in priced], book.version)
        # Then write, the ledger last: the order and its lines (Core INSERTs), with the outcome already in them.
        lines = [OrderLine(line_no=i + 1, product_id=p.id, quantity=pl.quantity, unit_price=pl.unit_price,
                           unit_cost=pl.unit_cost)
                 for i, (p, pl) in enumerate(zip(context.products, priced, strict=True))]
        order = Order(code=numbers.code, customer_reference=numbers.reference, customer_id=customer.id,
                      version=1, requested_date=data.requested_date, amount=amount_of(priced),
                      gross_margin=margin_of(priced), received_at=utcnow(), created_by=principal.actor)
        # Its lines join it when inserted (insert_new_order), as if loaded with it: no collection events here.
        order.status = apply_outcome(order, a)
        waiting = needs_people(a)  # R3: it stays RECEIVED until the people the review named sign off
        if waiting:
            order.status = OrderStatus.RECEIVED
        elif a.decision is ReviewDecision.ACCEPT and not a.tentative:
            # The units stock covers go in with the lines; reserve_promise checks them under the products' lock.
            for line, from_stock in zip(lines, a.stock.from_stock, strict=True):
                line.quantity_from_stock = from_stock
        result_rows = (order, lines, review_values(order, a, result), new_deliveries(a))
        created = OrderEvent(
            order_code=order.code, customer_id=order.customer_id, kind=kinds.CREATED, at=utcnow(),
            actor=principal.actor, from_status=None, to_status=order.status,
            message=f"received and reviewed: {a.decision.value} ({a.review.reason}){_waiting(a)}",
            after={"decision": a.decision.value, "promised_date": _iso(a.promised_date),
                   "proposed_date": _iso(a.proposed_date), "rush": a.rush.rush, "priority": a.priority.tier,
                   "substitutes": [[s.sku, s.for_sku, s.on_hand] for s in result.substitutes],
                   "sign_offs": [r.role for r in a.review.sign_offs] if needs_people(a) else []},
        )
        taking = not waiting and a.decision is ReviewDecision.ACCEPT and not a.tentative
        try:
            # The products' lock and stock count go with the order's rows (one round trip on PostgreSQL).
            counted = await insert_new_order(session, *result_rows, created,
                                             then=lock_and_count(units_wanted(lines, a.stock)) if taking else ())
        except IntegrityError as taken:
            # A taken code or reference fails the unique index on insert: no check-then-insert window.
            raise await number_taken(session, taken, order.customer_id, data.customer_code, numbers) from None
        events.append(created)
        await record_rush(session, order, a, new=True)
        if waiting:
            await hold_for_sign_offs(session, order, lines, a)
        elif a.decision is ReviewDecision.ACCEPT:
            # Stock, forecast and ledger rows are locked here, just before the commit; when another order took
            # the hours or units since they were read, CapacityTaken/StockTaken: decided again from fresh facts.
            events.extend(await reserve_promise(session, order, lines, a, principal.actor, new=True,
                                                counted=counted or None))
        # The NOTIFY after the COMMIT in the commit's own message: no round trip of its own on the broker's connection.
        notify = publisher.order_events_after_commit(lambda: [e.id for e in events]) \
            if isinstance(publisher, EventPublisher) else None
        if notify is not None and announce_after_commit(session, notify):
            announced.append(True)
        return OrderResult(order, result)

    outcome = await keyed_change(session, "createOrder", principal, data.idempotency_key, data.body(), create)
    if not outcome.replayed and not announced:
        await publish(publisher, events)
    return outcome


def _waiting(a: Assessment) -> str:
    if not needs_people(a):
        return ""
    return "; waiting for sign-off by " + ", ".join(r.role for r in a.review.sign_offs)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

