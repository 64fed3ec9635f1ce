"""Open a negotiated rush move (R15): the displaced orders' customers are asked, the rush order's promise waits.

Nothing is reserved or released here: each displaced order keeps its promise, hours and stock (PROPOSED, with its
promised date, until the answer), and the rush order holds nothing yet, so no hour is counted twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import NegotiationStatus, Order, OrderEvent, OrderStatus, RushNegotiation, utcnow

if TYPE_CHECKING:
    from domain.orders.assess import Assessment


async def open_negotiations(session: AsyncSession, order: Order, a: Assessment, actor: str | None
                            ) -> list[OrderEvent]:
    """One proposal per negotiated order; the rush order stays RECEIVED, its tentative date on the proposals."""
    assert a.displacement is not None and a.promised_date is not None
    now = utcnow()
    expires = now + timedelta(hours=a.displacement.expiry_hours)
    events = []
    for m in a.displacement.moved:
        if not m.negotiated:
            continue  # moved without asking, but only once the customers asked agree (nothing moves before)
        session.add(RushNegotiation(
            rush_order_id=order.id, order_id=m.order.id, status=NegotiationStatus.OPEN,
            original_status=m.order.status, original_date=m.old_date, proposed_date=m.new_date,
            proposed_deliveries=[{"order_line_id": line_id, "quantity": q, "date": day.isoformat()}
                                 for line_id, q, day in m.deliveries],
            tentative_date=a.promised_date, created_at=now, expires_at=expires))
        split = len({day for _, _, day in m.deliveries}) > 1
        events.append(record_order_event(
            session, m.order, kinds.MOVE_PROPOSED, actor=actor, to_status=OrderStatus.PROPOSED,
            # Read by the displaced order's customer: the rush order's code stays in the audit row only.
            message=f"asked to {'split' if split else 'move'} for a rush order: proposed "
                    f"{m.new_date.isoformat()}; the promise of "
                    f"{m.old_date.isoformat() if m.old_date else 'its date'} holds until the answer",
            before={"promised_date": m.old_date.isoformat() if m.old_date else None},
            after={"proposed_date": m.new_date.isoformat(), "rush_order": order.code, "split": split,
                   "expires_at": expires.isoformat(),
                   "deliveries": [[line_id, q, day.isoformat()] for line_id, q, day in m.deliveries]}))
    return events
