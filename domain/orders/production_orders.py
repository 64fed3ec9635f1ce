"""Production orders raised for accepted orders that stock does not cover (R11): what the lines must make, by when.

One SUGGESTED production order per order line with units to make (less what released ones of the order cover),
on the line and by the Friday of the last week its hours are held; a planner releases it (releaseProductionOrder).
Re-reviewing or cancelling the order cancels the ones not released yet; released ones stay, as the shop floor may
have started them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import held_rows
from domain.capacity.finished_stock import HOLDS_STOCK
from domain.errors import InvalidTransition, NotFound
from domain.models import CapacityReservation, Order, OrderLine, ProductionOrder, ProductionOrderStatus, utcnow
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page

UNIT_TOLERANCE = 1e-6
PRODUCTION_ORDERS = cast(Table, ProductionOrder.__table__)
ADD_PRODUCTION_ORDERS = insert(PRODUCTION_ORDERS)
# Built once, for a message of statements (one_message.fetch_all, after an order's version claim): the order's
# SUGGESTED production orders cancelled (cancel_suggested), and the units its RELEASED ones make per product
# (replaced_by_released's read).
CANCEL_SUGGESTED = (update(PRODUCTION_ORDERS)
                    .where(PRODUCTION_ORDERS.c.order_id == bindparam("of_order"),
                           PRODUCTION_ORDERS.c.status == ProductionOrderStatus.SUGGESTED)
                    .values(status=ProductionOrderStatus.CANCELLED).returning(PRODUCTION_ORDERS.c.id))
RELEASED_UNITS = (select(PRODUCTION_ORDERS.c.product_id, func.sum(PRODUCTION_ORDERS.c.quantity))
                  .where(PRODUCTION_ORDERS.c.order_id == bindparam("of_order"),
                         PRODUCTION_ORDERS.c.status == ProductionOrderStatus.RELEASED)
                  .group_by(PRODUCTION_ORDERS.c.product_id))


def order_reason(order_code: str) -> str:
    return f"order {order_code}: not covered by stock"


async def raise_for_order(session: AsyncSession, order: Order, lines: Sequence[OrderLine], to_make: Sequence[float],
                          reservations: Sequence[CapacityReservation], *, new: bool = False,
                          released: Mapping[int, float] | None = None) -> None:
    """A SUGGESTED production order for each line with units to make (to_make, in line order), from the hours
    the promise holds. new: the order was inserted in this transaction, so it has none yet (no statement).
    released: what replaced_by_released gave, when the caller read it before locking the ledger rows."""
    if released is None:
        released = {} if new else await replaced_by_released(session, order.id)
    released = dict(released)
    rows = []
    for line, needed in zip(lines, to_make, strict=True):
        held = [(r.line_id, r.week, r.hours) for r in reservations if r.order_line_id == line.id]
        quantity = needed - released.pop(line.product_id, 0.0)
        if quantity <= UNIT_TOLERANCE or not held:
            continue
        rows.append(suggestion(order.id, order.code, line.line_no, line.product_id, quantity, held))
    if held_rows.holding(session):  # createOrder on PostgreSQL: the rows go with the COMMIT, no objects made
        made = utcnow()
        await held_rows.insert_rows(session, ADD_PRODUCTION_ORDERS, [
            {**row, "quantity_made": 0.0, "created_at": made} for row in rows])
        return
    session.add_all([ProductionOrder(**row) for row in rows])


async def replaced_by_released(session: AsyncSession, order_id: int, *, cancelled: bool = False) -> dict[int, float]:
    """Cancel the order's SUGGESTED production orders; product id -> units its RELEASED ones make (they stay: the
    floor may have started them, so only what they do not cover is raised again). cancelled: the caller cancelled
    them already in this transaction, after locking the order (updateOrder): a second UPDATE would find none."""
    if not cancelled:
        await cancel_suggested(session, order_id)
    return {product_id: float(quantity or 0.0) for product_id, quantity in await session.execute(
        select(ProductionOrder.product_id, func.sum(ProductionOrder.quantity))
        .where(ProductionOrder.order_id == order_id, ProductionOrder.status == ProductionOrderStatus.RELEASED)
        .group_by(ProductionOrder.product_id))}


def suggestion(order_id: int, order_code: str, line_no: int, product_id: int, quantity: float,
               held: Sequence[tuple[int, date, float]]) -> dict[str, Any]:
    """The SUGGESTED production order of one order line: on the line of its largest hours held (line id, week,
    hours), due the Friday of the last week held; column values (a batch inserts them as rows)."""
    last = max(held, key=lambda h: h[1])
    busiest = max(held, key=lambda h: h[2])
    return dict(code=f"MO-{order_code[:40]}-{line_no}-{uuid.uuid4().hex[:8]}", product_id=product_id,
                line_id=busiest[0], order_id=order_id, quantity=quantity, due_date=last[1] + timedelta(days=4),
                status=ProductionOrderStatus.SUGGESTED, reason=order_reason(order_code)[:200])


async def cancel_suggested(session: AsyncSession, order_id: int) -> None:
    """The order's production orders not released yet are cancelled (a re-review raises them again)."""
    await session.execute(
        update(ProductionOrder)
        .where(ProductionOrder.order_id == order_id, ProductionOrder.status == ProductionOrderStatus.SUGGESTED)
        .values(status=ProductionOrderStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )


async def release_production_order(session: AsyncSession, production_order_id: int) -> ProductionOrder:
    """SUGGESTED -> RELEASED: the shop floor may start it; the weekly replan plans it (R11)."""
    found = await session.get(ProductionOrder, production_order_id)
    if found is None:
        raise NotFound(f"production order {production_order_id} does not exist", ["id"])
    if found.status is not ProductionOrderStatus.SUGGESTED:
        raise InvalidTransition(f"production order {found.code} is {found.status.value}; only a SUGGESTED one "
                                "can be released", ["id"])
    if found.order_id is not None:
        order = await session.get(Order, found.order_id)
        if order is None or order.status not in HOLDS_STOCK:
            raise InvalidTransition(f"production order {found.code} belongs to an order that is no longer open",
                                    ["id"])
    found.status = ProductionOrderStatus.RELEASED
    await session.commit()
    return found


OLDEST_FIRST = SortKey(ProductionOrder.id, PARSERS["int"], lambda p: p.id)


def _listed(status: ProductionOrderStatus | None) -> Select[ProductionOrder]:
    stmt = select(ProductionOrder)
    return stmt if status is None else stmt.where(ProductionOrder.status == status)


async def list_production_orders(session: AsyncSession, first: int, after: Position | None,
                                 status: ProductionOrderStatus | None) -> Page[ProductionOrder]:
    return await fetch_page(session, _listed(status), OLDEST_FIRST, ProductionOrder.id, first, after)


async def count_production_orders(session: AsyncSession, status: ProductionOrderStatus | None) -> int:
    stmt = select(func.count()).select_from(_listed(status).subquery())
    return int(await session.scalar(stmt) or 0)
