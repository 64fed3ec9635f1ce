"""A new order's own rows (the order, its lines, review, deliveries, CREATED event) as Core INSERTs: no unit of work;
on PostgreSQL all five in one statement (data-modifying WITH), on SQLite one INSERT ... RETURNING per table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ARRAY, Executable, Table, bindparam, func, insert, inspect, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from domain.capacity import one_message
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
    given = row.__dict__
    for key, default in columns:
        value = given.get(key)
        if value is None and default is not None:
            value = default
        if key not in given or value is not given[key]:
            _put(row, key, value)
        values[key] = value
    return values


def _put(row: Any, key: str, value: Any) -> None:
    """Set a column's value as loading does, into the instance's dict: no attribute event or history. Safe on rows
    that join the session through make_transient_to_detached (it commits the dict as it is) or never join it (the
    event); some 40 attribute events a create, each a few microseconds."""
    row.__dict__[key] = value


async def insert_new_order(session: AsyncSession, order: Order, lines: list[OrderLine], review: dict[str, Any],
                           deliveries: list[NewDelivery], event: OrderEvent,
                           then: Sequence[tuple[Executable, Mapping[str, Any]]] = ()) -> list[list[tuple[Any, ...]]]:
    """Insert the order with its lines (order.lines is set here: the caller leaves it unset), review (column values
    but order_id), deliveries and CREATED event (every column set by the caller; ids are filled in here). The order
    and its lines then join the session as if read from it: later changes (a hold for sign-offs) are UPDATEs, and
    the GraphQL payload reads them with no statement. The event stays out of the session (it is announced by id
    after the commit).

    then: statements to run right after the INSERTs; on PostgreSQL they go in the same message (one_message.py) and
    their rows are returned, on SQLite they run here, one by one, and their rows are returned likewise.

    Raises IntegrityError, as a flush did, when the code or the customer's reference is taken."""
    order_values = _values(order, ORDER_COLUMNS)
    line_values = [_values(line, LINE_COLUMNS) for line in lines]
    event_values = _values(event, EVENT_COLUMNS)
    if session.get_bind().dialect.name == "postgresql":
        if any(order_values[key] is not None for key in NOT_YET):
            raise ValueError(f"a new order has none of {sorted(NOT_YET)}")
        params = {f"o_{key}": order_values[key] for key in NEW_ORDER_KEYS}
        params.update({f"l_{key}": [row[key] for row in line_values] for key, _ in LINE_COLUMNS})
        params.update({f"r_{key}": value for key, value in {"created_at": utcnow(), **review}.items()
                       if key != "order_id"})
        params.update({f"e_{key}": value for key, value in event_values.items()})
        params.update({"d_line_no": [lines[d.line_index].line_no for d in deliveries],
                       "d_quantity": [d.quantity for d in deliveries], "d_date": [d.date for d in deliveries],
                       "d_status": [d.status for d in deliveries]})
        # With the statements the caller sends after it (the products' lock and stock count), in one round trip.
        rows, *after = await one_message.fetch_all(session, [(ONE_STATEMENT, params), *then])
        _put(order, "id", rows[0][1])
        _put(event, "id", rows[0][2])
        ids = [line_id for line_id, _, _ in rows]
    else:
        connection = await session.connection()
        _put(order, "id", (await connection.execute(INSERT_ORDER, order_values)).scalar_one())
        ids = list((await connection.execute(INSERT_LINES, [{"order_id": order.id, **row} for row in line_values]
                                             )).scalars())
        await connection.execute(insert(REVIEWS), {**review, "order_id": order.id})
        if deliveries:
            await connection.execute(insert(DELIVERIES), [
                {"order_id": order.id, "order_line_id": ids[d.line_index], "quantity": d.quantity, "date": d.date,
                 "status": d.status} for d in deliveries])
        _put(event, "id", (await connection.execute(INSERT_EVENT, {**event_values, "order_id": order.id})).scalar_one())
        after = [[tuple(row) for row in await connection.execute(statement, dict(values))]
                 for statement, values in then]
    _put(event, "order_id", order.id)
    for line, line_id in zip(lines, ids, strict=True):
        _put(line, "id", line_id)
        _put(line, "order_id", order.id)
        set_committed_value(line, "order", order)
        make_transient_to_detached(line)
    # The order's lines as if loaded with it (both sides are lazy="raise"): no collection or backref events, which
    # cost a create about as much as making the order object itself.
    set_committed_value(order, "lines", list(lines))
    make_transient_to_detached(order)
    # A rolled-back attempt (a lost race retried in this session) left its rows in the identity map as persistent;
    # SQLite hands the same ids out again, so those stale objects would clash with these.
    identities = session.sync_session.identity_map
    for row in (order, *lines):
        key = inspect(row).key
        stale = identities.get(key) if key is not None else None
        if stale is not None and stale is not row:
            session.expunge(stale)
    session.add(order)  # with its lines (cascade): persistent, nothing pending
    return after


def _params(table: Table, prefix: str, keys: list[str]) -> list[Any]:
    return [bindparam(f"{prefix}_{key}", type_=table.c[key].type) for key in keys]


def _arrays(table: Table, prefix: str, keys: list[str]) -> Any:
    """unnest(:prefix_key::type[], ...) AS (key, ...): one array parameter per column, one row per element."""
    return func.unnest(*(bindparam(f"{prefix}_{key}", type_=ARRAY(table.c[key].type)) for key in keys)
                       ).table_valued(*keys).render_derived()


# Columns a new order leaves NULL (it has not been planned, made, shipped, cancelled, delivered or closed): not in
# the statement, which keeps it under psycopg's limits for caching a query's parsing (4096 bytes, 50 parameters).
NOT_YET = frozenset({"scheduled_at", "completed_at", "shipped_at", "cancelled_at", "delivered_on", "proof_reference",
                     "closed_at"})
NEW_ORDER_KEYS = [key for key, _ in ORDER_COLUMNS if key not in NOT_YET]
DELIVERY_KEYS = ["line_no", "quantity", "date", "status"]


def _one_statement() -> Executable:
    """WITH the order, its lines, review, deliveries and event inserted, SELECT (line id, order id, event id) in
    line order. Lines and deliveries come as arrays (unnest), so one statement, built once, serves every order."""
    line_keys, event_keys = [k for k, _ in LINE_COLUMNS], [k for k, _ in EVENT_COLUMNS]
    new_order = insert(ORDERS).values(dict(zip(NEW_ORDER_KEYS, _params(ORDERS, "o", NEW_ORDER_KEYS), strict=True))
                                      ).returning(ORDERS.c.id).cte("new_order")
    given = _arrays(LINES, "l", line_keys)
    new_lines = insert(LINES).from_select(["order_id", *line_keys], select(new_order.c.id, *given.c)
                                            .join_from(new_order, given, true())).returning(
        LINES.c.id, LINES.c.order_id, LINES.c.line_no).cte("new_lines")
    new_review = insert(REVIEWS).from_select(["order_id", *REVIEW_COLUMNS], select(
        new_order.c.id, *_params(REVIEWS, "r", REVIEW_COLUMNS))).cte("new_review")
    promised = func.unnest(bindparam("d_line_no", type_=ARRAY(LINES.c.line_no.type)),
                           *(bindparam(f"d_{key}", type_=ARRAY(DELIVERIES.c[key].type)) for key in DELIVERY_KEYS[1:])
                           ).table_valued(*DELIVERY_KEYS).render_derived()
    new_deliveries = insert(DELIVERIES).from_select(
        ["order_id", "order_line_id", *DELIVERY_KEYS[1:]],
        select(new_lines.c.order_id, new_lines.c.id, *(promised.c[key] for key in DELIVERY_KEYS[1:]))
        .join_from(new_lines, promised, promised.c.line_no == new_lines.c.line_no)).cte("new_deliveries")
    new_event = insert(EVENTS).from_select(["order_id", *event_keys], select(
        new_order.c.id, *_params(EVENTS, "e", event_keys))).returning(EVENTS.c.id).cte("new_event")
    return (select(new_lines.c.id, new_lines.c.order_id, select(new_event.c.id).scalar_subquery())
            .order_by(new_lines.c.line_no).add_cte(new_review, new_deliveries))


ONE_STATEMENT = _one_statement()
