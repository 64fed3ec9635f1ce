"""Notices (R7): every order event a customer must hear of writes a notice in the same flush, in words for them.

A session listener, so no writer of the order history (floor, rush insertion, review, replan, lateness) can
forget one, and a notice commits exactly when its change does: the transactional outbox the webhooks deliver
from. The text is written for the customer: dates and the kind of cause, never the plant's line or material
codes or another customer's order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from domain.events.kinds import AT_RISK, LATE, MOVE_PROPOSED, MOVED, PROPOSAL_EXPIRED, PROPOSAL_WITHDRAWN
from domain.models import Notice, OrderEvent, OrderStatus

PROPOSED = "PROPOSED"
PROPOSAL_CLOSED = "PROPOSAL_CLOSED"  # a proposed move ended without the customer's answer: the promise stands
NOTICE_KINDS = (AT_RISK, LATE, MOVED, PROPOSED, PROPOSAL_CLOSED)


def _cause_in_words(cause: str | None) -> str:
    text = (cause or "").lower()
    if "equipment" in text or "failure" in text:
        return "an equipment failure at the plant"
    if "shortage" in text or "material" in text:
        return "a material shortage at the plant"
    return "a change in the plant's schedule"


def notice_text(row: OrderEvent) -> tuple[str, str] | None:
    """(kind, message) of the notice an order event calls for, or None when the customer need not hear of it."""
    before: dict[str, Any] = row.before or {}
    after: dict[str, Any] = row.after or {}
    code, promised = row.order_code, before.get("promised_date")
    if row.kind == LATE:
        return LATE, f"Order {code} is late: it was promised for {promised} and is not ready yet."
    if row.kind == AT_RISK:
        expected = after.get("expected_date") or after.get("promised_date") or "a date not yet known"
        return AT_RISK, (f"Order {code} is at risk after {_cause_in_words(after.get('cause'))}: it is now expected "
                         f"on {expected}, after its promised date {promised}.")
    if row.kind == MOVED:
        if "rush_order" in after:
            return MOVED, (f"Order {code} has a new promised date, {after.get('promised_date')} (was {promised}): "
                           "the plant made room for an urgent order.")
        return MOVED, (f"Production of order {code} was rescheduled after {_cause_in_words(after.get('cause'))}; "
                       f"its promised date {promised} still holds.")
    if row.kind == MOVE_PROPOSED:
        change = "split, part of it delivered later" if after.get("split") else "delivered later"
        return PROPOSED, (f"An urgent order needs the plant's capacity: may order {code} be {change}, by "
                          f"{after.get('proposed_date')} instead of {promised}? Please accept or decline by "
                          f"{str(after.get('expires_at', ''))[:16].replace('T', ' ')} UTC; if you decline or do not "
                          f"answer, its promised date {promised} stands.")
    if row.kind in (PROPOSAL_EXPIRED, PROPOSAL_WITHDRAWN):  # a decline is the customer's own answer: no notice
        why = "no answer reached the plant in time" if row.kind == PROPOSAL_EXPIRED \
            else "the plant no longer needs the move"
        return PROPOSAL_CLOSED, (f"The proposed move of order {code} is off ({why}): its promised date "
                                 f"{after.get('promised_date')} stands.")
    if row.to_status is OrderStatus.PROPOSED and row.from_status is not OrderStatus.PROPOSED:
        proposed = after.get("proposed_date")
        when = f" for {proposed}" if proposed else ""
        return PROPOSED, (f"Order {code} cannot be made by its requested date: the plant proposes delivery{when}; "
                          "please accept or decline the proposal.")
    return None


def _notices_for_new_events(session: Session, flush_context: Any, instances: Any) -> None:
    for row in list(session.new):
        if not isinstance(row, OrderEvent) or row.order_id is None or row.customer_id is None:
            continue
        text = notice_text(row)
        if text is not None:
            session.add(Notice(order_id=row.order_id, customer_id=row.customer_id, order_code=row.order_code,
                               kind=text[0], message=text[1], created_at=row.at, fanned_out=False))


event.listen(Session, "before_flush", _notices_for_new_events)
