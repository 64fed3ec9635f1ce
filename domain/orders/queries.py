"""Read-side order queries: pages, counts and per-order children in one statement per batch."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.models import (
    Customer,
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderReview,
    OrderStatus,
    Product,
)
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_order_events, visible_orders

# Orders without a promise sort after every promised one (ascending), on both databases alike.
NO_PROMISE = date(9999, 12, 31)


class OrderSort(enum.StrEnum):
    RECEIVED_AT = "RECEIVED_AT"
    REQUESTED_DATE = "REQUESTED_DATE"
    PROMISED_DATE = "PROMISED_DATE"
    CODE = "CODE"
    AMOUNT = "AMOUNT"


SORT_KEYS: dict[OrderSort, SortKey] = {
    OrderSort.RECEIVED_AT: SortKey(Order.received_at, PARSERS["datetime"], lambda o: o.received_at),
    OrderSort.REQUESTED_DATE: SortKey(Order.requested_date, PARSERS["date"], lambda o: o.requested_date),
    OrderSort.PROMISED_DATE: SortKey(
        func.coalesce(Order.promised_date, NO_PROMISE), PARSERS["date"], lambda o: o.promised_date or NO_PROMISE
    ),
    OrderSort.CODE: SortKey(Order.code, PARSERS["text"], lambda o: o.code),
    OrderSort.AMOUNT: SortKey(Order.amount, PARSERS["decimal"], lambda o: o.amount),
}


@dataclass(frozen=True)
class OrderSearch:
    """The filter of an order list; None means 'any'. Date ranges are inclusive."""

    statuses: Sequence[OrderStatus] | None = None
    customer_code: str | None = None
    customer_reference: str | None = None
    rush: bool | None = None
    requested_from: date | None = None
    requested_to: date | None = None
    promised_from: date | None = None
    promised_to: date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.statuses is not None:  # an empty list matches no order, as IN () does
            found.append(Order.status.in_(list(self.statuses)))
        if self.customer_code is not None:
            customer_id = select(Customer.id).where(Customer.code == self.customer_code).scalar_subquery()
            found.append(Order.customer_id == customer_id)
        if self.customer_reference is not None:
            # Scoped like every order query: a partner matches its own customers' references only.
            found.append(Order.customer_reference == self.customer_reference)
        if self.rush is not None:
            found.append(Order.rush.is_(self.rush))
        for column, low, high in (
            (Order.requested_date, self.requested_from, self.requested_to),
            (Order.promised_date, self.promised_from, self.promised_to),
        ):
            if low is not None:
                found.append(column >= low)
            if high is not None:
                found.append(column <= high)
        return found


def _visible(principal: Principal, search: OrderSearch | None = None) -> Select[Order]:
    return select(Order).where(visible_orders(principal), *(search.conditions() if search else []))


async def list_orders(
    session: AsyncSession,
    principal: Principal,
    search: OrderSearch,
    first: int,
    after: Position | None = None,
    sort: OrderSort = OrderSort.RECEIVED_AT,
    descending: bool = False,
) -> Page[Order]:
    """A page of the orders the caller may see, ordered by `sort` then id (keyset, stable under inserts)."""
    return await fetch_page(session, _visible(principal, search), SORT_KEYS[sort], Order.id, first, after, descending)


async def count_orders(session: AsyncSession, principal: Principal, search: OrderSearch) -> int:
    stmt = select(func.count()).select_from(Order).where(visible_orders(principal), *search.conditions())
    return int(await session.scalar(stmt) or 0)


async def order_by_code(session: AsyncSession, principal: Principal, code: str) -> Order | None:
    return await session.scalar(_visible(principal).where(Order.code == code))


async def order_by_id(session: AsyncSession, principal: Principal, order_id: int) -> Order | None:
    return await session.scalar(_visible(principal).where(Order.id == order_id))


def _grouped(rows: Sequence[object], key: str) -> dict[int, list[object]]:
    groups: dict[int, list[object]] = defaultdict(list)
    for row in rows:
        groups[getattr(row, key)].append(row)
    return groups


# The per-order children below take ids of orders the caller has already been allowed to see.
async def lines_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
    stmt = select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.order_id, OrderLine.line_no)
    return _grouped((await session.scalars(stmt)).all(), "order_id")  # type: ignore[return-value]


@dataclass(frozen=True)
class PromisedDelivery:
    """A delivery with the sku of its line, as the API shows it."""

    order_id: int
    sku: str
    quantity: float
    date: date
    status: DeliveryStatus


async def deliveries_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, list[PromisedDelivery]]:
    stmt = (
        select(Delivery, Product.sku)
        .join(OrderLine, OrderLine.id == Delivery.order_line_id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(Delivery.order_id.in_(order_ids))
        .order_by(Delivery.date, Delivery.id)
    )
    found: dict[int, list[PromisedDelivery]] = defaultdict(list)
    for delivery, sku in await session.execute(stmt):
        found[delivery.order_id].append(
            PromisedDelivery(delivery.order_id, sku, delivery.quantity, delivery.date, delivery.status)
        )
    return found


async def codes_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, str]:
    rows = await session.execute(select(Order.id, Order.code).where(Order.id.in_(order_ids)))
    return {row.id: row.code for row in rows}


async def history_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, list[OrderEvent]]:
    stmt = select(OrderEvent).where(OrderEvent.order_id.in_(order_ids)).order_by(OrderEvent.id)
    return _grouped((await session.scalars(stmt)).all(), "order_id")  # type: ignore[return-value]


async def latest_review_by_order(session: AsyncSession, order_ids: Sequence[int]) -> dict[int, OrderReview]:
    latest = (
        select(func.max(OrderReview.id)).where(OrderReview.order_id.in_(order_ids)).group_by(OrderReview.order_id)
    )
    rows = (await session.scalars(select(OrderReview).where(OrderReview.id.in_(latest)))).all()
    return {row.order_id: row for row in rows}


async def order_event_by_id(
    session: AsyncSession, principal: Principal, event_id: int, customer_code: str | None = None
) -> OrderEvent | None:
    """One history entry, if the caller may see it (subscribers refetch by the id they were sent)."""
    stmt = select(OrderEvent).where(OrderEvent.id == event_id, visible_order_events(principal))
    if customer_code is not None:
        customer_id = select(Customer.id).where(Customer.code == customer_code).scalar_subquery()
        stmt = stmt.where(OrderEvent.customer_id == customer_id)
    return await session.scalar(stmt)
