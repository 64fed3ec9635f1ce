"""Find an order a caller may change, claim its version atomically, and refuse changes in the frozen window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any, NoReturn, cast

from sqlalchemy import Executable, ScalarSelect, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.bounds import shown
from domain.capacity import one_message
from domain.capacity.calendar import frozen_until, week_start
from domain.errors import FrozenWindow, InvalidTransition, NotFound, VersionConflict
from domain.models import CapacityReservation, Order, OrderStatus
from domain.orders.review import ensure_may_write
from domain.scoping import visible_orders

# Orders whose promise production has not started on: they may still be changed or cancelled.
CHANGEABLE = (OrderStatus.RECEIVED, OrderStatus.ACCEPTED, OrderStatus.PROPOSED, OrderStatus.SCHEDULED,
              OrderStatus.REJECTED)


async def order_for(session: AsyncSession, principal: Principal, code: str, field: list[str]) -> Order:
    """The order a writer names, whatever its status; another partner's order does not exist for a partner."""
    return (await _order_with(session, principal, code, field, None))[0]


async def _order_with(session: AsyncSession, principal: Principal, code: str, field: list[str],
                      also: ScalarSelect[Any] | None) -> tuple[Order, Any]:
    ensure_may_write(principal)
    statement = select(Order).where(Order.code == code, visible_orders(principal))
    order: Order | None
    if also is None:
        order, value = await session.scalar(statement), None
    else:
        row = (await session.execute(statement.add_columns(also))).first()
        order, value = (row[0], row[1]) if row is not None else (None, None)
    if order is None:
        raise NotFound(f"order {shown(code)} does not exist", field)
    return order, value


async def order_to_change(session: AsyncSession, principal: Principal, code: str,
                          allowed: tuple[OrderStatus, ...] = CHANGEABLE) -> Order:
    return (await order_to_change_with(session, principal, code, None, allowed))[0]


async def order_to_change_with(session: AsyncSession, principal: Principal, code: str, also: ScalarSelect[Any] | None,
                               allowed: tuple[OrderStatus, ...] = CHANGEABLE) -> tuple[Order, Any]:
    """order_to_change, and in the same statement `also`: a subquery correlated to the order (one round trip)."""
    order, value = await _order_with(session, principal, code, ["code"], also)
    if order.status not in allowed:
        raise InvalidTransition(
            f"order {code} is {order.status.value}; this change needs one of {', '.join(s.value for s in allowed)}",
            ["code"])
    return order, value


def ensure_version(order: Order, expected: int) -> None:
    """The version as read (no lock): a change decided before it is claimed fails early, as claim_version would."""
    if order.version != expected:
        raise VersionConflict(
            f"order {order.code} is at version {order.version}, not {expected}: read it again and retry",
            current_version=int(order.version), field=["expectedVersion"])


ORDERS = cast(Table, Order.__table__)
CLAIM = (update(ORDERS).where(ORDERS.c.id == bindparam("of_order"), ORDERS.c.version == bindparam("expected"))
         .values(version=bindparam("claimed")).returning(ORDERS.c.id))  # built once: claim_version_with's


async def claim_version_with(session: AsyncSession, order: Order, expected: int,
                             then: Sequence[tuple[Executable, Mapping[str, Any]]]) -> list[list[tuple[Any, ...]]]:
    """claim_version, and right after it these statements (each must return rows: a write with RETURNING); their
    rows. On PostgreSQL all in one message (one_message.fetch_all): the server runs them after the claim, in order;
    when the claim fails, VersionConflict as claim_version raises it, and the caller's rollback undoes the rest."""
    if session.get_bind().dialect.name != "postgresql":
        await claim_version(session, order, expected)
        connection = await session.connection()
        return [[tuple(row) for row in await connection.execute(statement, dict(values))]
                for statement, values in then]
    claimed, *rows = await one_message.fetch_all(session, [
        (CLAIM, {"of_order": order.id, "expected": expected, "claimed": expected + 1}), *then])
    if len(claimed) != 1:
        await _conflict(session, order, expected)
    order.version = expected
    return rows


async def claim_version(session: AsyncSession, order: Order, expected: int) -> None:
    """One conditional UPDATE: of two writers holding the same version exactly one gets past here.

    The row stays locked (PostgreSQL) or the database write-locked (SQLite) until the commit, so
    the loser sees the winner's version. The in-memory version is bumped by the history event.
    """
    claimed = await session.execute(
        update(Order).where(Order.id == order.id, Order.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        await _conflict(session, order, expected)
    order.version = expected


async def _conflict(session: AsyncSession, order: Order, expected: int) -> NoReturn:
    current = await session.scalar(
        select(Order.version).where(Order.id == order.id).execution_options(populate_existing=True))
    raise VersionConflict(
        f"order {order.code} is at version {current}, not {expected}: read it again and retry",
        current_version=int(current or order.version), field=["expectedVersion"])


async def refuse_frozen(session: AsyncSession, order: Order, new_date: date | None, today: date,
                        frozen_days: int) -> None:
    """The running plan keeps its promises (R14): nothing due, or being made, in the frozen window changes.

    While the window is open (the first days of the week) the hours an order was given in this week
    before the week began are part of the running plan; hours promised since then lie in the open
    days after the window, and once the window is over the rest of the week is open again.
    """
    frozen = frozen_until(today, frozen_days)
    if order.promised_date is not None and order.promised_date <= frozen:
        raise FrozenWindow(
            f"order {order.code} is promised for {order.promised_date.isoformat()}, inside the frozen window "
            f"(until {frozen.isoformat()}); it can no longer be changed", ["code"])
    if new_date is not None and new_date <= frozen:
        raise FrozenWindow(
            f"requestedDate {new_date.isoformat()} falls inside the frozen window (until {frozen.isoformat()})",
            ["requestedDate"])
    if frozen >= today:
        running = await session.scalar(
            select(CapacityReservation.week).where(
                CapacityReservation.order_id == order.id, CapacityReservation.week <= frozen,
                CapacityReservation.week >= week_start(today),
                CapacityReservation.created_at < datetime.combine(week_start(today), time(), UTC)).limit(1))
        if running is not None:
            raise FrozenWindow(
                f"order {order.code} is in the running plan of the week of {running.isoformat()}, frozen until "
                f"{frozen.isoformat()}; it can be changed after that", ["code"])
