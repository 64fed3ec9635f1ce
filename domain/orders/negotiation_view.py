"""What an order shows of a negotiated rush move (R15): the move its customer is asked to accept, or the tentative
promise a rush order waits with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import NegotiationStatus, OrderLine, Product, RushNegotiation
from domain.orders.results import DeliveryResult


@dataclass(frozen=True)
class MoveProposal:
    """The move a displaced order's customer is asked to accept; the promise holds until then."""

    proposed_date: date
    deliveries: list[DeliveryResult]  # the same shape as a review's deliveries
    original_date: date | None
    expires_at: datetime
    accepted: bool  # the customer accepted; the move waits for the other customers asked


async def move_proposal(session: AsyncSession, order_id: int) -> MoveProposal | None:
    row = await session.scalar(select(RushNegotiation).where(RushNegotiation.order_id == order_id,
                                                             RushNegotiation.closed_at.is_(None)))
    if row is None:
        return None
    skus = {line_id: sku for line_id, sku in await session.execute(
        select(OrderLine.id, Product.sku).join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id == order_id))}
    deliveries = [DeliveryResult(skus.get(int(d["order_line_id"]), ""), float(d["quantity"]),
                                   date.fromisoformat(d["date"])) for d in row.proposed_deliveries]
    return MoveProposal(row.proposed_date, sorted(deliveries, key=lambda d: (d.date, d.sku)), row.original_date,
                        row.expires_at, row.status is NegotiationStatus.ACCEPTED)


async def tentative_date(session: AsyncSession, rush_order_id: int) -> date | None:
    """The date a rush order is promised once every customer asked has agreed; None when it waits for no one."""
    return await session.scalar(select(func.max(RushNegotiation.tentative_date)).where(
        RushNegotiation.rush_order_id == rush_order_id, RushNegotiation.closed_at.is_(None)))
