"""Rush insertion (R6, R15): make room by moving or splitting lower-priority, non-strategic promises."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.ledger import LedgerView, load_ledger
from domain.models import (
    CapacityReservation,
    Customer,
    CustomerTier,
    Order,
    OrderLine,
    OrderReview,
    OrderStatus,
)
from domain.orders.context import OrderContext, load_order_context, order_customer
from domain.orders.finished_goods import StockCover
from domain.orders.promise import OrderPromise, build_ctp, promise_order, split_parts
from rules import CapacityPolicy, PriorityOutcome, RuleBook, RushOutcome

if TYPE_CHECKING:
    from domain.orders.assess import Request

# Promises that may still be moved: accepted and planned, not yet being made.
MOVABLE = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED)


@dataclass
class MovedOrder:
    """A promise given up for a rush order and promised again later (whole, or split when allowed)."""

    order: Order
    order_line_ids: list[int]
    old_date: date | None
    promise: OrderPromise
    deliveries: list[tuple[int, float, date]]  # (order line id, quantity, date)
    negotiated: bool = False  # its customer is asked first (capacity policy `negotiate`): a proposal, not a move

    @property
    def new_date(self) -> date:
        return max(day for _, _, day in self.deliveries)


@dataclass
class Displacement:
    promise: OrderPromise  # the rush order's promise once the moved orders made room
    moved: list[MovedOrder]
    expiry_hours: int = 48  # how long a negotiated order's customer has to answer

    @property
    def tentative(self) -> bool:
        """The promise waits for the customers asked: nothing moves, nothing is reserved until all accept."""
        return any(m.negotiated for m in self.moved)


async def _may_be_moved(session: AsyncSession, book: RuleBook, order: Order) -> bool:
    """A rush order may be moved only if its own rush tier allows it (evaluated on its last review)."""
    if not order.rush:
        return True
    facts = await session.scalar(
        select(OrderReview.facts).where(OrderReview.order_id == order.id).order_by(OrderReview.id.desc()).limit(1)
    )
    return facts is not None and book.rush(facts).may_be_moved


async def _candidates(
    session: AsyncSession, book: RuleBook, tiers: frozenset[str], below_score: float, line_ids: list[int],
    due: date, frozen: date, exclude: int | None, agreed: frozenset[int] = frozenset(),
) -> list[Order]:
    """Orders holding hours on these lines by the due date, lowest priority first; strategic ones never."""
    held = (
        select(CapacityReservation.order_id)
        .where(CapacityReservation.line_id.in_(line_ids), CapacityReservation.week <= due)
        .distinct()
    )
    query = (
        select(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(
            # Orders whose customers agreed to give way wait PROPOSED, holding their promise, until the move is made.
            Order.id.in_(held), or_(Order.status.in_(MOVABLE), Order.id.in_(sorted(agreed))),
            # The running plan's deliveries stay: only promises after the frozen window may move.
            Order.promised_date > frozen,
            Customer.tier != CustomerTier.STRATEGIC, or_(Order.priority_tier.in_(sorted(tiers)),
                                                         Order.id.in_(sorted(agreed))),
            Order.priority_score < below_score,
        )
        .order_by(Order.priority_score, Order.promised_date.desc(), Order.id.desc())
        .limit(20)
    )
    if exclude is not None:
        query = query.where(Order.id != exclude)
    orders = list((await session.scalars(query)).all())
    return [o for o in orders if await _may_be_moved(session, book, o)]


async def _holdings(session: AsyncSession, order: Order) -> tuple[list[CapacityReservation], list[OrderLine]]:
    held = list((await session.scalars(
        select(CapacityReservation).where(CapacityReservation.order_id == order.id))).all())
    lines = list((await session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no))).all())
    return held, lines


def _give_back(view: LedgerView, held: list[CapacityReservation]) -> LedgerView:
    residual, reserve = view.residual.copy(), view.reserve.copy()
    line_index, week_index = view.line_index(), {w: i for i, w in enumerate(view.weeks)}
    for row in held:
        if row.line_id in line_index and row.week in week_index:
            target = reserve if row.from_reserve else residual
            target[line_index[row.line_id], week_index[row.week]] += row.hours
    return dataclasses.replace(view, residual=residual, reserve=reserve)


def _take(view: LedgerView, promise: OrderPromise) -> LedgerView:
    residual, reserve = view.residual.copy(), view.reserve.copy()
    line_index, week_index = view.line_index(), {w: i for i, w in enumerate(view.weeks)}
    for line in promise.lines:
        for use in line.uses:
            target = reserve if use.from_reserve else residual
            cell = (line_index[use.line_id], week_index[use.week])
            target[cell] -= use.hours
    return dataclasses.replace(view, residual=residual, reserve=reserve)


async def plan_displacement(
    session: AsyncSession, book: RuleBook, view: LedgerView, context: OrderContext, stock: StockCover,
    request: Request, rush: RushOutcome, priority: PriorityOutcome, frozen: date, earliest_day: date,
) -> Displacement | None:
    """Free the fewest lowest-priority promises that let the rush order fit, and promise them again later."""
    rule = book.capacity_policy().displacement.get(rush.tier or "")
    if rule is None:
        return None
    # After a decline the rush order asks no one again: the tiers the policy negotiates with are left out
    # (but for the orders whose customers already agreed).
    asked = rule.negotiate if request.negotiate else frozenset()
    tiers = (rule.may_move | rule.may_split | asked) - (rule.negotiate - asked)
    if not (tiers or request.agreed):
        return None
    orders = await _candidates(session, book, tiers, priority.score, context.line_ids,
                               request.requested, frozen, request.order_id, request.agreed)
    if not orders:
        return None
    holdings = {o.id: await _holdings(session, o) for o in orders}
    contexts: dict[int, OrderContext] = {}
    line_ids = set(context.line_ids)
    for order in orders:
        customer = await order_customer(session, order.customer_id)
        products = [ln.product_id for ln in holdings[order.id][1]]
        contexts[order.id] = await load_order_context(session, customer, products)
        line_ids.update(contexts[order.id].line_ids)
    joint = view if line_ids == set(view.line_ids) else await load_ledger(
        session, sorted(line_ids), view.weeks, book.capacity_policy().reserve_share, earliest_day,
        create_missing=True, given_back=request.held)
    freed: list[Order] = []
    for order in orders:
        joint = _give_back(joint, holdings[order.id][0])
        freed.append(order)
        ctp, rates = build_ctp(joint, context)
        promise = promise_order(ctp, rates, joint, stock, request.requested, earliest_day, use_reserve=True)
        if not promise.fits:
            continue
        moved = _promise_again(_take(joint, promise), freed, holdings, contexts, rule.may_split,
                               book.capacity_policy(), earliest_day)
        if moved is None:
            return None
        for m in moved:
            m.negotiated = m.order.priority_tier in asked and m.order.id not in request.agreed
        return Displacement(promise, moved, rule.expiry_hours)
    return None


def _promise_again(
    view: LedgerView, freed: list[Order], holdings: dict[int, tuple[list[CapacityReservation], list[OrderLine]]],
    contexts: dict[int, OrderContext], may_split: frozenset[str], policy: CapacityPolicy, earliest_day: date,
) -> list[MovedOrder] | None:
    moved = []
    for order in sorted(freed, key=lambda o: -o.priority_score):
        lines = holdings[order.id][1]
        open_quantities = [max(ln.quantity - ln.quantity_made, 1e-9) for ln in lines]
        old = order.promised_date or order.requested_date
        # What it took from stock stays on the shelf for it: only the rest is promised again.
        held = StockCover(open_quantities, [min(ln.quantity_from_stock, q) for ln, q in zip(lines, open_quantities,
                                                                                            strict=True)], old)
        ctp, rates = build_ctp(view, contexts[order.id])
        promise = promise_order(ctp, rates, view, held, old, earliest_day, use_reserve=False)
        if promise.ready_date is None:
            return None  # it could not be made within the horizon: do not move it at all
        view = _take(view, promise)
        deliveries: dict[tuple[int, date], float] = defaultdict(float)
        splittable = order.priority_tier in may_split
        for part, (early, late) in zip(promise.lines, split_parts(promise, contexts[order.id], policy), strict=True):
            line_id = lines[part.index].id
            assert part.ready_date is not None
            if not splittable:
                early, late = 0.0, part.quantity
            if early > 0:
                deliveries[(line_id, old)] += early
            if late > 0:
                deliveries[(line_id, max(part.ready_date, old))] += late
        moved.append(MovedOrder(order, [ln.id for ln in lines], order.promised_date, promise,
                                [(line_id, q, day) for (line_id, day), q in deliveries.items()]))
    return moved
