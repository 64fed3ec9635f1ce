"""The history entries the floor writes about promises: AT_RISK when late, MOVED when only the week changed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import Order, OrderEvent


def at_risk_event(
    session: AsyncSession | Session, order: Order, expected: date | None, late: bool, cause: str, actor: str
) -> OrderEvent:
    promised = order.promised_date.isoformat() if order.promised_date else None
    expected_text = expected.isoformat() if expected else "no date within a year"
    if late:
        message = f"at risk after {cause}: expected {expected_text}, promised {promised}"
    else:
        message = f"production moved after {cause}; expected {expected_text}, the promise {promised} holds"
    return record_order_event(
        session, order, kinds.AT_RISK if late else kinds.MOVED, actor=actor, message=message,
        before={"promised_date": promised},
        after={"expected_date": expected.isoformat() if expected else None, "cause": cause},
    )
