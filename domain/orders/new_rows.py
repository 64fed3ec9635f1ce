"""A new order's own rows (the order, its lines, its CREATED event) as Core INSERT ... RETURNING id: no unit of work."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from domain.models import Order, OrderEvent, OrderLine

ORDERS, LINES, EVENTS = (cast(Table, m.__table__) for m in (Order, OrderLine, OrderEvent))
# Built once. The lines go in as one multi-row INSERT (SQLAlchemy's insertmanyvalues), their ids back in line order.
INSERT_ORDER = insert(ORDERS).returning(ORDERS.c.id)
INSERT_LINES = insert(LINES).returning(LINES.c.id, sort_by_parameter_order=True)
INSERT_EVENT = insert(EVENTS).returning(EVENTS.c.id)


def _columns(table: Table, *skip: str) -> list[tuple[str, Any]]:
    """(column, its scalar default or None) of the columns the caller gives; a callable default (a timestamp) is the
    caller's to set."""
    return [(c.key, c.default.arg if c.default is not None and c.default.is_scalar else None)
            for c in table.columns if c.key not in skip]


ORDER_COLUMNS, LINE_COLUMNS, EVENT_COLUMNS = _columns(ORDERS, "id"), _columns(LINES, "id", "order_id"), _columns(
    EVENTS, "id")


def _values(row: Any, columns: list[tuple[str, Any]]) -> dict[str, Any]:
    """The row's column values; a column left unset takes its default (or None) on the object too, so that the object
    is whole when it joins the session (an attribute it lacks would be read from the database)."""
    values = {}
    for key, default in columns:
        value = getattr(row, key)
        if value is None and default is not None:
            value = default
        if key not in row.__dict__ or value is not row.__dict__[key]:
            setattr(row, key, value)
        values[key] = value
    return values


async def insert_order(session: AsyncSession, order: Order, lines: list[OrderLine]) -> None:
    """Insert the order and its lines (every column set by the caller; id and order_id are filled in here), then
    put both in the session as if read from it: later changes of them (a hold for sign-offs) are UPDATEs, and
    the GraphQL payload reads them with no statement. An ORM flush of the same rows cost about 3 ms of CPU.

    Raises IntegrityError as the flush did when the code or the customer's reference is taken."""
    connection = await session.connection()
    order.id = (await connection.execute(INSERT_ORDER, _values(order, ORDER_COLUMNS))).scalar_one()
    ids = (await connection.execute(INSERT_LINES, [
        {"order_id": order.id, **_values(line, LINE_COLUMNS)} for line in lines])).scalars().all()
    for line, line_id in zip(lines, ids, strict=True):
        line.id, line.order_id = line_id, order.id
        make_transient_to_detached(line)
    make_transient_to_detached(order)
    session.add(order)  # with its lines (cascade): persistent, nothing pending


async def insert_event(session: AsyncSession, event: OrderEvent) -> OrderEvent:
    """Insert one history row (every column set by the caller) and give it its id; the event stays out of the
    session (nothing changes it: it is announced by id after the commit)."""
    connection = await session.connection()
    event.id = (await connection.execute(INSERT_EVENT, _values(event, EVENT_COLUMNS))).scalar_one()
    return event
