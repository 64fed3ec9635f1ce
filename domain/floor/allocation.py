"""Share a quantity made among the order lines waiting for it: the named order first, then earliest promise first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.floor.demand import OPEN_STATUSES
from domain.models import Order, OrderLine, keeps_promise


@dataclass(frozen=True)
class Allocation:
    order: Order
    line: OrderLine
    quantity: float


async def orders_waiting_for(session: AsyncSession, product_id: int, quantity: float, first: str | None = None
                             ) -> list[Order]:
    """Open orders with a line of the sku not fully made, earliest promised date first (the one coded `first`
    first), loaded only as far as `quantity` reaches when allocate fills them in that order: those after it would
    take nothing. The `first` order is loaded whenever it waits.

    Every waiting order is locked, as the fill order is read; only those taking a share are built with their lines
    and customer. A floor report's units mostly go to the order it names, while a dozen or more orders wait for a
    busy sku (77 for one on the medium demo plant): building all of them was a quarter of each report's time."""
    rows = (await session.execute(
        select(Order.id, Order.code, OrderLine.quantity, OrderLine.quantity_made, OrderLine.quantity_from_stock)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(
            OrderLine.product_id == product_id,
            keeps_promise(OPEN_STATUSES),
            OrderLine.quantity_to_make > 0,
        )
        .order_by(Order.promised_date.is_(None), Order.promised_date, Order.id, OrderLine.line_no)
        .with_for_update(of=Order)
    )).all()
    open_lines: dict[int, list[float]] = {}
    named: int | None = None
    for order_id, code, ordered, made, from_stock in rows:
        # The same arithmetic as OrderLine.quantity_to_make, so the fill below stops where allocate's does.
        open_lines.setdefault(order_id, []).append(ordered - made - from_stock)
        if code == first:
            named = order_id
    fill = ([named] if named is not None else []) + [order_id for order_id in open_lines if order_id != named]
    ids = _taking(open_lines, fill, quantity)
    if named is not None and named not in ids:  # nothing made: the named order is still read (and checked)
        ids.insert(0, named)
    if not ids:
        return []
    loaded = {order.id: order for order in (await session.scalars(
        select(Order)
        .where(Order.id.in_(ids))
        .options(selectinload(Order.lines), selectinload(Order.customer))
        .with_for_update(of=Order)
        .execution_options(populate_existing=True)
    )).unique()}
    return [loaded[order_id] for order_id in ids]


def _taking(open_lines: dict[int, list[float]], fill: list[int], quantity: float) -> list[int]:
    """The orders of `fill`, in turn, that take a share of the quantity (allocate's loop over open lines)."""
    taking: list[int] = []
    left = quantity
    for order_id in fill:
        if left <= 0:
            break
        taking.append(order_id)
        for open_quantity in open_lines[order_id]:
            if left <= 0:
                break
            left -= min(open_quantity, left)
    return taking


def allocate(orders: list[Order], product_id: int, quantity: float) -> list[Allocation]:
    """Fill each order's open quantity of the sku in turn; what is left over stays as free stock."""
    allocations: list[Allocation] = []
    left = quantity
    for order in orders:
        for line in order.lines:
            if left <= 0:
                return allocations
            open_quantity = line.quantity_to_make
            if line.product_id != product_id or open_quantity <= 0:
                continue
            share = min(open_quantity, left)
            line.quantity_made += share
            left -= share
            allocations.append(Allocation(order, line, share))
    return allocations
