"""A new order's own rows (the order, its lines, review, deliveries, CREATED event) as Core INSERTs: no unit of work;
on PostgreSQL all five in one statement (data-modifying WITH), on SQLite one INSERT ... RETURNING per table."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Executable, Table, bindparam, insert, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from domain.models import Delivery, DeliveryStatus, Order, OrderEvent, OrderLine, OrderReview, utcnow

ORDERS, LINES, EVENTS = (cast(Table, m.__table__) for m in (Order, OrderLine, OrderEvent))
REVIEWS, DELIVERIES = cast(Table, OrderReview.__table__), cast(Table, Delivery.__table__)
# Built once. The lines go in as one multi-row INSERT (SQLAlchemy's insertmanyvalues), their ids back in line order.
INSERT_ORDER = insert(ORDERS).returning(ORDERS.c.id)
INSERT_LINES = insert(LINES).returning(LINES.c.id, sort_by_parameter_order=True)
INSERT_EVENT = insert(EVENTS).returning(EVENTS.c.id)


@dataclass(frozen=True)
class NewDelivery:
    line_index: int  # of the order's lines
    quantity: float
    date: date
    status: DeliveryStatus


def _columns(table: Table, *skip: str) -> list[tuple[str, Any]]:
    """(column, its scalar default or None) of the columns the caller gives; a callable default (a timestamp) is the
    caller's to set."""
    return [(c.key, getattr(c.default, "arg", None) if c.default is not None and c.default.is_scalar else None)
            for c in table.columns if c.key not in skip]


ORDER_COLUMNS, LINE_COLUMNS = _columns(ORDERS, "id"), _columns(LINES, "id", "order_id")
EVENT_COLUMNS, REVIEW_COLUMNS = _columns(EVENTS, "id", "order_id"), [c.key for c in REVIEWS.columns
                                                                     if c.key not in ("id", "order_id")]


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


async def insert_new_order(session: AsyncSession, order: Order, lines: list[OrderLine], review: dict[str, Any],
                           deliveries: list[NewDelivery], event: OrderEvent) -> None:
    """Insert the order with its lines, review (column values but order_id), deliveries and CREATED event (every
    column set by the caller; ids are filled in here). The order and its lines then join the session as if read
    from it: later changes (a hold for sign-offs) are UPDATEs, and the GraphQL payload reads them with no
    statement. The event stays out of the session (it is announced by id after the commit).

    Raises IntegrityError, as a flush did, when the code or the customer's reference is taken."""
    order_values = _values(order, ORDER_COLUMNS)
    line_values = [_values(line, LINE_COLUMNS) for line in lines]
    event_values = _values(event, EVENT_COLUMNS)
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        params = {f"o_{key}": value for key, value in order_values.items()}
        params.update({f"l{i}_{key}": value for i, row in enumerate(line_values) for key, value in row.items()})
        params.update({f"r_{key}": value for key, value in {"created_at": utcnow(), **review}.items()
                       if key != "order_id"})
        params.update({f"e_{key}": value for key, value in event_values.items()})
        for j, d in enumerate(deliveries):
            params.update({f"d{j}_line_no": lines[d.line_index].line_no, f"d{j}_quantity": d.quantity,
                           f"d{j}_date": d.date, f"d{j}_status": d.status})
        rows = (await connection.execute(_one_statement(len(lines), len(deliveries)), params)).all()
        order.id, event.id = rows[0][1], rows[0][2]
        ids = [line_id for line_id, _, _ in rows]
    else:
        order.id = (await connection.execute(INSERT_ORDER, order_values)).scalar_one()
        ids = list((await connection.execute(INSERT_LINES, [{"order_id": order.id, **row} for row in line_values]
                                             )).scalars())
        await connection.execute(insert(REVIEWS), {**review, "order_id": order.id})
        if deliveries:
            await connection.execute(insert(DELIVERIES), [
                {"order_id": order.id, "order_line_id": ids[d.line_index], "quantity": d.quantity, "date": d.date,
                 "status": d.status} for d in deliveries])
        event.id = (await connection.execute(INSERT_EVENT, {**event_values, "order_id": order.id})).scalar_one()
    event.order_id = order.id
    for line, line_id in zip(lines, ids, strict=True):
        line.id, line.order_id = line_id, order.id
        make_transient_to_detached(line)
    make_transient_to_detached(order)
    session.add(order)  # with its lines (cascade): persistent, nothing pending


def _params(table: Table, prefix: str, keys: list[str]) -> list[Any]:
    return [bindparam(f"{prefix}_{key}", type_=table.c[key].type) for key in keys]


def _all(selects: list[Any]) -> Any:
    return selects[0] if len(selects) == 1 else union_all(*selects)


@functools.cache
def _one_statement(line_count: int, delivery_count: int) -> Executable:
    """WITH the order, its lines, review, deliveries and event inserted, SELECT (line id, order id, event id) in
    line order. Built once per shape (number of lines and deliveries), so no request compiles it again."""
    order_keys, line_keys = [k for k, _ in ORDER_COLUMNS], [k for k, _ in LINE_COLUMNS]
    event_keys = [k for k, _ in EVENT_COLUMNS]
    new_order = insert(ORDERS).values(dict(zip(order_keys, _params(ORDERS, "o", order_keys), strict=True))
                                      ).returning(ORDERS.c.id).cte("new_order")
    new_lines = insert(LINES).from_select(["order_id", *line_keys], _all([
        select(new_order.c.id, *_params(LINES, f"l{i}", line_keys)) for i in range(line_count)])
    ).returning(LINES.c.id, LINES.c.order_id, LINES.c.line_no).cte("new_lines")
    new_review = insert(REVIEWS).from_select(["order_id", *REVIEW_COLUMNS], select(
        new_order.c.id, *_params(REVIEWS, "r", REVIEW_COLUMNS))).cte("new_review")
    new_event = insert(EVENTS).from_select(["order_id", *event_keys], select(
        new_order.c.id, *_params(EVENTS, "e", event_keys))).returning(EVENTS.c.id).cte("new_event")
    written = [new_review]
    if delivery_count:
        written.append(insert(DELIVERIES).from_select(
            ["order_id", "order_line_id", "quantity", "date", "status"], _all([
                select(new_lines.c.order_id, new_lines.c.id,
                       *_params(DELIVERIES, f"d{j}", ["quantity", "date", "status"]))
                .where(new_lines.c.line_no == bindparam(f"d{j}_line_no", type_=LINES.c.line_no.type))
                for j in range(delivery_count)])).cte("new_deliveries"))
    return (select(new_lines.c.id, new_lines.c.order_id, select(new_event.c.id).scalar_subquery())
            .order_by(new_lines.c.line_no).add_cte(*written))
