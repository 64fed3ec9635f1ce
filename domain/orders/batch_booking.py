"""Book the open orders of a loaded plant in one batch: the same promises as book_open_orders, a few statements.

book_open_orders reads the context and the ledger and writes its hours order by order (fine for a few hundred
orders, ~25 ms an order). Here the context (products, routes, yields) and the ledger are read once, every order
is promised in the same order with the same functions (build_ctp, promise_order) against the ledger held in
memory, and the results are written in bulk (domain/orders/batch_writes.py). Runs in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bounds import shown
from domain.capacity.calendar import frozen_until, weeks_from
from domain.capacity.ledger import load_ledger
from domain.capacity.ledger_memory import LedgerInMemory, take_totals
from domain.capacity.yields import yields_and_practice
from domain.errors import InvalidInput
from domain.models import CapacityReservation, Customer, Order, OrderLine, Product, Routing
from domain.orders.batch_review import ToReview, horizon_end_of, review_booked
from domain.orders.batch_writes import Booked, OpenOrder, write_booked
from domain.orders.booking import BOOKING_WEEKS, OPEN, BookingReport
from domain.orders.context import OrderContext, Routes, load_bills
from domain.orders.explain import capacity_findings
from domain.orders.finished_goods import StockCover
from domain.orders.promise import build_ctp, promise_order
from rules import RuleBook

UNITS_TOLERANCE = 1e-9


def _unbooked() -> tuple[ColumnElement[bool], ...]:
    """Open orders that hold no hours: the ones book_open_orders would book."""
    return (Order.status.in_(OPEN), Order.id.not_in(select(CapacityReservation.order_id)))


async def _open_orders(session: AsyncSession) -> list[OpenOrder]:
    """In book_open_orders' order (priority, then promised date, then id), with the lines still to make."""
    where = _unbooked()
    heads = (await session.execute(
        select(Order.id, Order.code, Order.customer_id, Order.promised_date, Order.requested_date, Order.rush)
        .where(*where).order_by(Order.priority_score.desc(), Order.promised_date, Order.id))).all()
    lines: dict[int, list[tuple[int, int, int, float]]] = defaultdict(list)
    for order_id, line_id, line_no, product_id, to_make in await session.execute(
            select(OrderLine.order_id, OrderLine.id, OrderLine.line_no, OrderLine.product_id,
                   OrderLine.quantity - OrderLine.quantity_made - OrderLine.quantity_from_stock)
            .join(Order, Order.id == OrderLine.order_id).where(*where)):
        lines[order_id].append((line_no, line_id, product_id, float(to_make)))
    orders = []
    for order_id, code, customer_id, promised, requested, rush in heads:
        open_lines = [(line_id, line_no, product_id, q) for line_no, line_id, product_id, q in sorted(lines[order_id])
                      if q > UNITS_TOLERANCE]
        if open_lines:
            orders.append(OpenOrder(order_id, code, customer_id, promised or requested, bool(rush), open_lines))
    return orders


async def _routes(session: AsyncSession, product_ids: set[int]) -> Routes:
    routes: Routes = defaultdict(list)
    for product_id, line_id, units_per_hour in await session.execute(
            select(Routing.product_id, Routing.line_id, Routing.units_per_hour)
            .where(Routing.product_id.in_(product_ids)).order_by(Routing.id)):
        if units_per_hour > 0:
            routes[product_id].append((line_id, units_per_hour))
    return routes


async def book_open_orders_in_batch(session: AsyncSession, today: date, reserve_share: float, frozen_days: int,
                                    actor: str | None = None, review: RuleBook | None = None) -> BookingReport:
    """What book_open_orders books, with the same promises and events, read once and written in bulk.

    review: the rule book to review each booked order with (domain/orders/batch_review.py), as an import does;
    the demo's orders come with their reviews and pass none."""
    orders = await _open_orders(session)
    report = BookingReport()
    if not orders:
        return report
    product_ids = {product_id for order in orders for _, _, product_id, _ in order.lines}
    products = {p.id: p for p in await session.scalars(select(Product).where(Product.id.in_(product_ids)))}
    # By subquery, not a list of ids: a plant's open book may name more customers than a statement takes parameters.
    customers = {c.id: c for c in await session.scalars(
        select(Customer).where(Customer.id.in_(select(Order.customer_id).where(*_unbooked()))))}
    routes = await _routes(session, product_ids)
    for order in orders:
        for _, _, product_id, _ in order.lines:
            if not routes.get(product_id):  # as load_context refuses it for the one-by-one booking
                raise InvalidInput(f"order {shown(order.code)}: no production line can make "
                                   f"{products[product_id].sku}", ["orders", order.code])
    yields, practice = await yields_and_practice(session, sorted(product_ids))  # practice: the review's maturity
    earliest_day = max(today, frozen_until(today, frozen_days) + timedelta(days=1))
    weeks = weeks_from(today, BOOKING_WEEKS)
    all_lines = sorted({line_id for product_id in product_ids for line_id, _ in routes[product_id]})
    ledger = LedgerInMemory(await load_ledger(session, all_lines, weeks, reserve_share, earliest_day,
                                              create_missing=True))
    bom, materials, receipts = await load_bills(session, sorted(product_ids)) if review else ({}, {}, {})
    frozen, horizon_end = frozen_until(today, frozen_days), horizon_end_of(weeks)
    booked: list[Booked] = []
    to_review: list[ToReview] = []
    for order in orders:
        order_products = [products[product_id] for _, _, product_id, _ in order.lines]
        context = OrderContext(customers[order.customer_id], order_products,
                               {p.id: routes[p.id] for p in order_products}, bom, materials, receipts,
                               yields={p.id: yields[p.id] for p in order_products if p.id in yields},
                               practice=practice)
        view = ledger.view(context.line_ids)
        ctp, rates = build_ctp(view, context)
        quantities = [q for _, _, _, q in order.lines]
        promise = promise_order(ctp, rates, view, StockCover.none(quantities, earliest_day), order.promised,
                                earliest_day, use_reserve=order.rush)
        if review:  # what the lines' load says of it, before it takes its hours (as createOrder's review sees it)
            to_review.append(ToReview(order.id, order.code, context, promise,
                                      capacity_findings(promise, view, horizon_end, frozen), quantities))
        for line in promise.lines:
            for use in line.uses:
                ledger.take(use.line_id, use.week, use.hours, use.from_reserve)
        booked.append(Booked(order, promise))
        report.booked += 1
        ready = promise.ready_date
        if ready is None:
            report.unplaced.append(order.code)
        elif ready > order.promised:
            report.moved.append(order.code)
    await write_booked(session, booked, actor)
    if review:
        report.flagged = await review_booked(session, review, to_review, today, horizon_end)
        report.reviewed = len(to_review)
    # The ledger rows last: their locks are held from here to the caller's commit, not through the bulk writes.
    await take_totals(session, ledger)
    return report
