"""An order's history one page at a time, oldest first: what Order.historyConnection serves."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import OrderEvent
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page

OLDEST_FIRST = SortKey(OrderEvent.id, PARSERS["int"], lambda event: event.id)


async def history_page(session: AsyncSession, order_id: int, first: int, after: Position | None) -> Page[OrderEvent]:
    """The order's events after `after`, oldest first; the caller has already been allowed to read the order."""
    return await fetch_page(session, select(OrderEvent).where(OrderEvent.order_id == order_id), OLDEST_FIRST,
                            OrderEvent.id, first, after)


async def count_history(session: AsyncSession, order_id: int) -> int:
    return int(await session.scalar(select(func.count(OrderEvent.id)).where(OrderEvent.order_id == order_id)) or 0)
