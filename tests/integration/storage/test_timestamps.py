"""Timestamps come back as the instant that was stored, with its UTC offset, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Customer, CustomerTier, Order, OrderStatus


def test_a_timestamp_reads_back_aware_and_at_the_same_instant(session: Session) -> None:
    customer = Customer(code="C1", name="C1", tier=CustomerTier.REGULAR)
    session.add(customer)
    session.flush()
    # Tried: a time given at +02:00; SQLite kept its wall clock (10:30) as if it were UTC before.
    received = datetime(2026, 11, 25, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    order = Order(code="SO-T", customer_id=customer.id, status=OrderStatus.RECEIVED, requested_date=received.date(),
                  amount=0, gross_margin=0, received_at=received)
    session.add(order)
    session.commit()
    session.expunge_all()

    stored = session.scalar(select(Order.received_at))
    assert stored is not None and stored.utcoffset() is not None
    assert stored == received and stored.astimezone(UTC).hour == 8
    # Comparisons in SQL see the same instant: 08:30 UTC is after 08:00 UTC and before 09:00 UTC.
    after = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert session.scalar(select(Order.code).where(Order.received_at > after,
                                                   Order.received_at < after + timedelta(hours=1))) == "SO-T"

