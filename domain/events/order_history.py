"""Write one entry of an order's history and bump its version, so every floor change is traceable."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.models import Order, OrderEvent, OrderStatus, utcnow


def record_order_event(
    session: Session | AsyncSession,
    order: Order,
    kind: str,
    *,
    actor: str | None,
    message: str,
    to_status: OrderStatus | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append the event; with to_status the order moves there and the event keeps from -> to."""
    from_status = order.status if to_status is not None else None
    if to_status is not None:
        order.status = to_status
    order.version += 1
    event = OrderEvent(
        order_id=order.id,
        order_code=order.code,
        customer_id=order.customer_id,
        kind=kind,
        at=utcnow(),
        actor=actor,
        message=message,
        from_status=from_status,
        to_status=to_status,
        before=before,
        after=after,
    )
    session.add(event)
    return event
