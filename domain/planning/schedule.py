"""Accepted orders become SCHEDULED when a plan goes into force, each with a history event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.events import kinds
from domain.models import Order, OrderEvent, OrderStatus, utcnow


def schedule_accepted_orders(session: Session, cutoff: datetime, actor: str | None, version: int) -> list[int]:
    """ACCEPTED orders received by the cut-off become SCHEDULED, each with a history event."""
    now = utcnow()
    orders = session.execute(
        select(Order.id, Order.code, Order.customer_id).where(
            Order.status == OrderStatus.ACCEPTED, Order.received_at <= cutoff
        )
    ).all()
    if not orders:
        return []
    ids = [o.id for o in orders]
    for chunk in range(0, len(ids), 1000):
        session.execute(
            update(Order)
            .where(Order.id.in_(ids[chunk : chunk + 1000]), Order.status == OrderStatus.ACCEPTED)
            .values(status=OrderStatus.SCHEDULED, scheduled_at=now, version=Order.version + 1)
        )
    events = [
        OrderEvent(
            order_id=o.id,
            order_code=o.code,
            customer_id=o.customer_id,
            kind=kinds.STATUS,
            at=now,
            actor=actor,
            message=f"scheduled in plan version {version}",
            from_status=OrderStatus.ACCEPTED,
            to_status=OrderStatus.SCHEDULED,
        )
        for o in orders
    ]
    session.add_all(events)
    session.flush()
    return [e.id for e in events]
