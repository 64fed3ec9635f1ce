"""Notices as sales and partners read them, newest first, and their acknowledgement (who told the customer)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.errors import NotFound
from domain.models import Notice, utcnow
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_notices

# By id: newest first for the notices list (descending), oldest first for an order's own (ascending).
NEWEST_FIRST = SortKey(Notice.id, PARSERS["int"], lambda n: n.id)


def _filtered(principal: Principal, acknowledged: bool | None,
              order_id: int | None = None) -> list[ColumnElement[bool]]:
    conditions = [visible_notices(principal)]
    if acknowledged is not None:
        conditions.append(Notice.acknowledged_at.is_not(None) if acknowledged else Notice.acknowledged_at.is_(None))
    if order_id is not None:
        conditions.append(Notice.order_id == order_id)
    return conditions


async def list_notices(session: AsyncSession, principal: Principal, first: int, after: Position | None = None,
                       acknowledged: bool | None = None) -> Page[Notice]:
    stmt = select(Notice).where(*_filtered(principal, acknowledged))
    return await fetch_page(session, stmt, NEWEST_FIRST, Notice.id, first, after, descending=True)


async def count_notices(session: AsyncSession, principal: Principal, acknowledged: bool | None = None) -> int:
    stmt = select(func.count()).select_from(Notice).where(*_filtered(principal, acknowledged))
    return int(await session.scalar(stmt) or 0)


async def notices_of_order(session: AsyncSession, principal: Principal, order_id: int) -> list[Notice]:
    stmt = select(Notice).where(*_filtered(principal, None, order_id)).order_by(Notice.id)
    return list((await session.scalars(stmt)).all())


async def order_notices_page(session: AsyncSession, principal: Principal, order_id: int, first: int,
                             after: Position | None = None) -> Page[Notice]:
    """One order's notices oldest first, as `notices_of_order` lists them whole."""
    stmt = select(Notice).where(*_filtered(principal, None, order_id))
    return await fetch_page(session, stmt, NEWEST_FIRST, Notice.id, first, after)


async def count_order_notices(session: AsyncSession, principal: Principal, order_id: int) -> int:
    stmt = select(func.count()).select_from(Notice).where(*_filtered(principal, None, order_id))
    return int(await session.scalar(stmt) or 0)


async def acknowledge_notice(session: AsyncSession, principal: Principal, notice_id: int) -> Notice:
    """Record that the customer was told (by its system or by sales); a second acknowledgement changes nothing."""
    notice = await session.scalar(select(Notice).where(Notice.id == notice_id, visible_notices(principal)))
    if notice is None:
        raise NotFound(f"no notice with id {notice_id}", ["input", "id"])
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = utcnow(), principal.actor
    await session.commit()
    return notice

