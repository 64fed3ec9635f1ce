"""An order's payments one page at a time, oldest first (by the day the money arrived): Order.paymentsConnection."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Payment
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page

OLDEST_FIRST = SortKey(Payment.paid_on, PARSERS["date"], lambda payment: payment.paid_on)


async def payments_page(session: AsyncSession, order_id: int, first: int, after: Position | None) -> Page[Payment]:
    """The order's payments after `after`; the caller has already been allowed to read the order."""
    return await fetch_page(session, select(Payment).where(Payment.order_id == order_id), OLDEST_FIRST, Payment.id,
                            first, after)


async def count_payments(session: AsyncSession, order_id: int) -> int:
    return int(await session.scalar(select(func.count(Payment.id)).where(Payment.order_id == order_id)) or 0)
