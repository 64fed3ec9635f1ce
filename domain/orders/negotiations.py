"""Answer a negotiated rush move (R15): an accept moves the order and confirms the rush promise once every customer
asked has agreed; a decline or an expiry keeps the original promise and the rush order gets its alternatives."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidTransition
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import (
    NegotiationStatus,
    Order,
    OrderEvent,
    OrderStatus,
    ReviewDecision,
    RushNegotiation,
    utcnow,
)
from domain.orders.negotiation_rush import review_rush, write_rush
from domain.orders.rush import MovedOrder
from rules import RuleBook

ENDING = {NegotiationStatus.DECLINED: kinds.PROPOSAL_DECLINED, NegotiationStatus.EXPIRED: kinds.PROPOSAL_EXPIRED,
          NegotiationStatus.WITHDRAWN: kinds.PROPOSAL_WITHDRAWN}


async def negotiation_of(session: AsyncSession, order_id: int) -> RushNegotiation | None:
    """The displaced order's negotiation still under way (open, or accepted while others are asked)."""
    return await session.scalar(select(RushNegotiation).where(RushNegotiation.order_id == order_id,
                                                              RushNegotiation.closed_at.is_(None)))


async def answer(session: AsyncSession, book: RuleBook, order: Order, negotiation: RushNegotiation, accept: bool,
                 today: date, actor: str | None) -> list[OrderEvent]:
    """The displaced order's customer answers (its version already claimed); returns the history written."""
    if negotiation.status is not NegotiationStatus.OPEN:
        raise InvalidTransition(f"order {order.code} already accepted the move; it is made once the other "
                                "customers asked have answered", ["code"])
    negotiation.answered_at, negotiation.answered_by = utcnow(), actor
    if not accept:
        negotiation.status = NegotiationStatus.DECLINED
        return await end_negotiations(session, book, negotiation.rush_order_id, today, actor)
    negotiation.status = NegotiationStatus.ACCEPTED
    waiting = await session.scalar(select(RushNegotiation.id).where(
        RushNegotiation.rush_order_id == negotiation.rush_order_id,
        RushNegotiation.status == NegotiationStatus.OPEN).limit(1))
    if waiting is not None:
        return [record_order_event(session, order, kinds.PROPOSAL_ACCEPTED, actor=actor, message=(
            "the customer accepted; the move is made once the other customers asked have answered, and the "
            f"promise of {_iso(negotiation.original_date)} holds until then"))]
    return await _confirm(session, book, negotiation.rush_order_id, today, actor)


# The negotiation under way an order is part of (asked to give way, or a rush order waiting for answers), read in the
# order's own statement (lookup.order_to_change_with): its asked order's id (the order's own when it is the one asked,
# another's when it is the rush order), or None. Read before the claim without a lock, as the separate read was;
# opening a negotiation moves the asked order's version, which the claim sees.
NEGOTIATING = (select(RushNegotiation.order_id)
               .where((RushNegotiation.order_id == Order.id) | (RushNegotiation.rush_order_id == Order.id),
                      RushNegotiation.closed_at.is_(None))
               .limit(1).correlate(Order).scalar_subquery())


def refuse_while_negotiating(order: Order, asked: int | None) -> None:
    """A change waits for the answer: the order is asked to give way, or its promise waits for others' answers.
    `asked`: the order's NEGOTIATING value."""
    if asked is not None:
        waits = ("is asked to give way to a rush order: answer with respondToProposal first" if asked == order.id
                 else "waits for other customers to agree to give way: cancel it or wait for the answer")
        raise InvalidTransition(f"order {order.code} {waits}", ["code"])


async def after_cancel(session: AsyncSession, book: RuleBook, order: Order, today: date, actor: str | None
                       ) -> list[OrderEvent]:
    """A cancelled rush order asks no one any more; a cancelled order that was asked frees its hours, and its rush
    order is reviewed again without asking anyone."""
    events: list[OrderEvent] = []
    for row in await _under_way(session, order.id):
        row.status = NegotiationStatus.WITHDRAWN
        events.extend(_restore(session, row, await _order(session, row.order_id), actor,
                               "the urgent order no longer needs the capacity"))
    asked = await session.scalar(select(RushNegotiation).where(RushNegotiation.order_id == order.id,
                                                               RushNegotiation.closed_at.is_(None)))
    if asked is not None:
        asked.status, asked.closed_at = NegotiationStatus.WITHDRAWN, utcnow()
        events.extend(await end_negotiations(session, book, asked.rush_order_id, today, actor))
    return events


async def _under_way(session: AsyncSession, rush_id: int) -> list[RushNegotiation]:
    return list((await session.scalars(select(RushNegotiation).where(
        RushNegotiation.rush_order_id == rush_id, RushNegotiation.closed_at.is_(None))
        .order_by(RushNegotiation.id))).all())


def _restore(session: AsyncSession, row: RushNegotiation, order: Order, actor: str | None, why: str
             ) -> list[OrderEvent]:
    """The displaced order keeps its original promise (it never gave up its hours) and its status before."""
    row.closed_at = utcnow()
    if order.status is not OrderStatus.PROPOSED or order.promised_date is None:
        return []  # changed since (updated or cancelled): nothing of the proposal is left to undo
    return [record_order_event(session, order, ENDING[row.status], actor=actor, to_status=row.original_status,
                               message=f"{why}; the promise of {_iso(order.promised_date)} stands",
                               after={"promised_date": _iso(order.promised_date)})]


async def end_negotiations(session: AsyncSession, book: RuleBook, rush_id: int, today: date, actor: str | None
                           ) -> list[OrderEvent]:
    """A decline or expiry: every order asked keeps its promise, and the rush order is reviewed again without
    asking anyone (its alternatives: a later date, a split, or moves the policy makes without asking)."""
    events: list[OrderEvent] = []
    why = {NegotiationStatus.DECLINED: "the customer declined the proposed move",
           NegotiationStatus.EXPIRED: "no answer to the proposed move in time",
           NegotiationStatus.WITHDRAWN: "the plant withdrew its proposal: another customer did not agree"}
    for row in await _under_way(session, rush_id):
        if row.status in (NegotiationStatus.OPEN, NegotiationStatus.ACCEPTED):
            row.status = NegotiationStatus.WITHDRAWN
        order = await session.get(Order, row.order_id)
        assert order is not None
        events.extend(_restore(session, row, order, actor, why[row.status]))
    rush = await session.get(Order, rush_id)
    if rush is not None and rush.status is OrderStatus.RECEIVED:
        a = await review_rush(session, book, rush, today, frozenset())
        events.extend(await write_rush(session, book, rush, a, actor, "the customers asked to give way did not all "
                                       f"agree; reviewed again: {a.decision.value} ({a.review.reason})"))
    return events


async def _confirm(session: AsyncSession, book: RuleBook, rush_id: int, today: date, actor: str | None
                   ) -> list[OrderEvent]:
    """Every customer asked agreed: promise the rush order again on the ledger as it is now, moving the agreed
    orders (to their accepted dates or earlier); if that no longer works, they keep their promises."""
    rows = await _under_way(session, rush_id)
    rush = await session.get(Order, rush_id)
    assert rush is not None
    if rush.status is not OrderStatus.RECEIVED:  # cancelled or changed meanwhile: nothing to make room for
        for row in rows:
            row.status = NegotiationStatus.WITHDRAWN
        return [e for row in rows for e in _restore(session, row, await _order(session, row.order_id), actor,
                                                      "the urgent order no longer needs the capacity")]
    a = await review_rush(session, book, rush, today, frozenset(row.order_id for row in rows))
    moved = {m.order.id: m for m in a.displacement.moved} if a.displacement else {}
    if a.decision is not ReviewDecision.ACCEPT or not all(
            row.order_id not in moved or _keeps(moved[row.order_id], row) for row in rows):
        events = []
        for row in rows:
            row.status = NegotiationStatus.WITHDRAWN
            events.extend(_restore(session, row, await _order(session, row.order_id), actor,
                                   "the plant can no longer make the move it proposed"))
        a = await review_rush(session, book, rush, today, frozenset())
        return [*events, *await write_rush(session, book, rush, a, actor, "the capacity the customers agreed to "
                                           f"free is no longer enough; reviewed again: {a.decision.value}")]
    events = []
    for row in rows:
        order = await _order(session, row.order_id)
        row.closed_at = utcnow()
        if row.order_id not in moved:
            row.status = NegotiationStatus.WITHDRAWN
            events.extend(_restore(session, row, order, actor, "the move is no longer needed"))
            continue
        m = moved[row.order_id]
        m.deliveries = [(int(d["order_line_id"]), float(d["quantity"]), date.fromisoformat(d["date"]))
                        for d in row.proposed_deliveries]  # what the customer accepted; the hours are ready by then
        events.append(record_order_event(session, order, kinds.PROPOSAL_ACCEPTED, actor=actor,
                                         to_status=row.original_status,
                                         message=f"the move is made: promised {m.new_date.isoformat()}"))
    return [*events, *await write_rush(session, book, rush, a, actor,
                                       f"the customers asked agreed to give way: promised {_iso(a.promised_date)}")]


def _keeps(m: MovedOrder, row: RushNegotiation) -> bool:
    """The order's new promise delivers, line by line, at least what the accepted proposal does by each date."""
    ready: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for line_id, quantity, day in m.deliveries:
        ready[line_id].append((day, quantity))
    for d in row.proposed_deliveries:
        by = date.fromisoformat(d["date"])
        due = sum(float(p["quantity"]) for p in row.proposed_deliveries
                  if p["order_line_id"] == d["order_line_id"] and date.fromisoformat(p["date"]) <= by)
        if sum(q for day, q in ready[int(d["order_line_id"])] if day <= by) + 1e-6 < due:
            return False
    return True


async def _order(session: AsyncSession, order_id: int) -> Order:
    order = await session.get(Order, order_id)
    assert order is not None
    return order


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "its date"
