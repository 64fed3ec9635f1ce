"""Lateness: an open order whose promised date has passed without the goods in stock is LATE, told once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import Outbox
from domain.floor.alerts import late_order_key, raise_alert_sync
from domain.floor.demand import OPEN_STATUSES
from domain.models import Order, OrderEvent, keeps_promise


def late_ids(today: date) -> Select[int]:
    """Ids of the open orders promised for a day before `today`, read from the (status, promised_date) index alone.

    Asked for whole rows in promise order, SQLite's planner walked ix_orders_promised_date instead: every order
    ever promised before today (20k on the medium demo plant, 30-50 ms after each progress report)."""
    return select(Order.id).where(keeps_promise(OPEN_STATUSES), Order.promised_date < today)


def late_orders(session: Session, today: date) -> list[Order]:
    """Open orders (accepted, scheduled or in production: not all in stock) promised for a day before `today`."""
    return list(session.scalars(select(Order).where(Order.id.in_(late_ids(today)))
                                .order_by(Order.promised_date, Order.id)))


def _already_told(session: Session, today: date) -> set[tuple[int, str | None]]:
    """(order, promised date) pairs of late orders with a LATE event: a new promise that passes is told again."""
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.before)
        .where(OrderEvent.kind == kinds.LATE, OrderEvent.order_id.in_(late_ids(today)))
    )
    return {(order_id, (before or {}).get("promised_date")) for order_id, before in rows}


def _untold(session: Session, today: date) -> list[Order] | None:
    """The late orders not told yet about their promise, in promise order; None when no order is late.

    Read as (id, promised date) pairs first and loaded whole only when untold: every progress report and shipment
    asks, and late orders already told (dozens at a time on a plant with a backlog) were built as ORM objects for
    nothing."""
    # The (status, promised_date) index holds both columns: sorted here, not by a plan that walks another index.
    late = sorted(session.execute(select(Order.id, Order.promised_date)
                                  .where(keeps_promise(OPEN_STATUSES), Order.promised_date < today)).all(),
                  key=lambda row: (row[1], row[0]))
    if not late:
        return None
    told = _already_told(session, today)
    untold = [order_id for order_id, promised in late
              if (order_id, promised.isoformat() if promised else None) not in told]
    if not untold:
        return []
    return list(session.scalars(select(Order).where(Order.id.in_(untold)).order_by(Order.promised_date, Order.id)))


def mark_late_sync(session: Session, outbox: Outbox, today: date, actor: str | None = None) -> list[Order]:
    """A LATE event and a LATE_ORDER alert for each late order not told yet about this promise; returns them."""
    untold = _untold(session, today)
    if untold is None:
        return []
    marked = []
    for order in untold:
        promised = order.promised_date.isoformat() if order.promised_date else None
        message = f"order {order.code} is late: promised {promised}, not in stock on {today.isoformat()}"
        outbox.order_events.append(record_order_event(
            session, order, kinds.LATE, actor=actor, message=message,
            before={"promised_date": promised}, after={"checked_on": today.isoformat()},
        ))
        raise_alert_sync(
            session, outbox, kind=kinds.LATE_ORDER, severity=kinds.CRITICAL if order.rush else kinds.WARNING,
            message=message,
            dedup_key=late_order_key(order.code), order_id=order.id, customer_id=order.customer_id,
        )
        marked.append(order)
    session.flush()
    return marked


async def mark_late(session: AsyncSession, outbox: Outbox, today: date, actor: str | None = None) -> list[Order]:
    return await session.run_sync(lambda s: mark_late_sync(s, outbox, today, actor))
