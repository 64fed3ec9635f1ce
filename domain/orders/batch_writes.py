"""The writes of a batch booking in bulk: hours held, production orders raised, promises moved later with events.

Row for row what book_open_orders writes for the same promises (reserve_all, raise_for_order, _move_promise),
as multi-row INSERTs and executemany UPDATEs instead of a few statements per order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bulk_rows import insert_rows
from domain.events import kinds, notice_text
from domain.models import (
    CapacityReservation,
    Delivery,
    DeliveryStatus,
    Notice,
    Order,
    OrderEvent,
    ProductionOrder,
    ProductionOrderStatus,
    utcnow,
)
from domain.orders.production_orders import UNIT_TOLERANCE, suggestion
from domain.orders.promise import OrderPromise

RESERVATIONS, PRODUCTION_ORDERS = cast(Table, CapacityReservation.__table__), cast(Table, ProductionOrder.__table__)
DELIVERIES, EVENTS = cast(Table, Delivery.__table__), cast(Table, OrderEvent.__table__)
NOTICES = cast(Table, Notice.__table__)
ORDERS = cast(Table, Order.__table__)
CHUNK = 5_000  # ids per IN list: well under the drivers' bound-parameter limits
MOVE_PROMISE = (update(ORDERS).where(ORDERS.c.id == bindparam("order_id"))
                .values(promised_date=bindparam("ready"), version=ORDERS.c.version + 1))


@dataclass(frozen=True)
class OpenOrder:
    """An open order to book: its promised (or requested) date and lines (line id, line no, product id, to make)."""

    id: int
    code: str
    customer_id: int
    promised: date
    rush: bool
    lines: list[tuple[int, int, int, float]]


@dataclass(frozen=True)
class Booked:
    order: OpenOrder
    promise: OrderPromise


def in_chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """The ids a CHUNK at a time, for IN lists."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


async def _released(session: AsyncSession, order_ids: list[int]) -> dict[int, dict[int, float]]:
    """Per order: product id -> units its RELEASED production orders cover (they stay; raise_for_order)."""
    released: dict[int, dict[int, float]] = {}
    for chunk in in_chunks(order_ids):
        await session.execute(
            update(ProductionOrder)
            .where(ProductionOrder.order_id.in_(chunk), ProductionOrder.status == ProductionOrderStatus.SUGGESTED)
            .values(status=ProductionOrderStatus.CANCELLED).execution_options(synchronize_session=False))
        for order_id, product_id, quantity in await session.execute(
                select(ProductionOrder.order_id, ProductionOrder.product_id, func.sum(ProductionOrder.quantity))
                .where(ProductionOrder.order_id.in_(chunk), ProductionOrder.status == ProductionOrderStatus.RELEASED)
                .group_by(ProductionOrder.order_id, ProductionOrder.product_id)):
            if order_id is not None:
                released.setdefault(order_id, {})[product_id] = float(quantity or 0.0)
    return released


def _rows(booked: Sequence[Booked], released: dict[int, dict[int, float]]
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Reservation rows and production-order rows, as reserve_all and raise_for_order write them."""
    reservations: list[dict[str, Any]] = []
    production: list[dict[str, Any]] = []
    for b in booked:
        left = dict(released.get(b.order.id, {}))
        for line in b.promise.lines:
            order_line_id, line_no, product_id, to_make = b.order.lines[line.index]
            held = [(use.line_id, use.week, use.hours) for use in line.uses]
            reservations.extend(
                {"order_id": b.order.id, "order_line_id": order_line_id, "line_id": use.line_id, "week": use.week,
                 "hours": use.hours, "quantity": use.quantity, "from_reserve": use.from_reserve} for use in line.uses)
            quantity = to_make - left.pop(product_id, 0.0)
            if quantity > UNIT_TOLERANCE and held:
                production.append(suggestion(b.order.id, b.order.code, line_no, product_id, quantity, held))
    return reservations, production


def notices_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        text = notice_text(OrderEvent(**event))
        if text is not None:
            rows.append({"order_id": event["order_id"], "customer_id": event["customer_id"],
                         "order_code": event["order_code"], "kind": text[0], "message": text[1],
                         "created_at": event["at"], "fanned_out": False})
    return rows


async def _move_promises(session: AsyncSession, moved: Sequence[Booked], actor: str | None) -> None:
    """The promise the lines can keep: one delivery per open line on the ready day, and the AT_RISK event."""
    connection = await session.connection()
    for chunk in in_chunks([b.order.id for b in moved]):
        await connection.execute(delete(DELIVERIES).where(DELIVERIES.c.order_id.in_(chunk),
                                                          DELIVERIES.c.status == DeliveryStatus.PROMISED))
    deliveries: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    at = utcnow()
    for b in moved:
        ready, was = cast(date, b.promise.ready_date), b.order.promised
        deliveries.extend({"order_id": b.order.id, "order_line_id": line_id, "quantity": quantity, "date": ready,
                           "status": DeliveryStatus.PROMISED} for line_id, _, _, quantity in b.order.lines)
        updates.append({"order_id": b.order.id, "ready": ready})
        events.append({"order_id": b.order.id, "order_code": b.order.code, "customer_id": b.order.customer_id,
                       "kind": kinds.AT_RISK, "at": at, "actor": actor, "from_status": None, "to_status": None,
                       "message": f"the lines can make it by {ready.isoformat()}, not by {was.isoformat()}",
                       "before": {"promised_date": was.isoformat()}, "after": {"promised_date": ready.isoformat()}})
    if moved:
        await insert_rows(session, DELIVERIES, deliveries)
        await connection.execute(MOVE_PROMISE, updates)
        await insert_rows(session, EVENTS, events)
        # Core inserts pass the session's notice listener by: the customers' notices are written here alike.
        await insert_rows(session, NOTICES, notices_of(events))


async def write_booked(session: AsyncSession, booked: Sequence[Booked], actor: str | None) -> None:
    """Hours held, production orders raised and promises moved, for every order booked (hours already taken)."""
    released = await _released(session, [b.order.id for b in booked])
    reservations, production = _rows(booked, released)
    await insert_rows(session, RESERVATIONS, reservations)
    await insert_rows(session, PRODUCTION_ORDERS, production)
    await _move_promises(session, [b for b in booked if b.promise.ready_date is not None
                                   and b.promise.ready_date > b.order.promised], actor)
