"""Read-side alert queries, newest first, scoped to what the caller may see."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.models import Alert
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_alerts

NEWEST_FIRST = SortKey(Alert.id, PARSERS["int"], lambda a: a.id)


async def list_alerts(
    session: AsyncSession, principal: Principal, first: int, after: Position | None = None, open_: bool | None = None
) -> Page[Alert]:
    stmt = select(Alert).where(visible_alerts(principal))
    if open_ is not None:
        stmt = stmt.where(Alert.open.is_(open_))
    return await fetch_page(session, stmt, NEWEST_FIRST, Alert.id, first, after, descending=True)


async def alert_by_id(session: AsyncSession, principal: Principal, alert_id: int) -> Alert | None:
    return await session.scalar(select(Alert).where(Alert.id == alert_id, visible_alerts(principal)))


async def count_alerts(session: AsyncSession, principal: Principal, open_: bool | None = None) -> int:
    stmt = select(func.count()).select_from(Alert).where(visible_alerts(principal))
    if open_ is not None:
        stmt = stmt.where(Alert.open.is_(open_))
    return int(await session.scalar(stmt) or 0)
