"""The materials list: positions a page at a time, oldest material first, optionally only the short ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Material
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.purchasing.projection import MaterialPosition, project_materials

OLDEST_FIRST = SortKey(Material.id, PARSERS["int"], lambda p: p.id)


async def _listed(session: AsyncSession, short_only: bool, today: date, weeks: int | None) -> Select[Material]:
    stmt = select(Material)
    if not short_only:
        return stmt
    positions = await session.run_sync(lambda s: project_materials(s, today, weeks))
    return stmt.where(Material.id.in_([p.id for p in positions if p.short]))


async def list_materials(session: AsyncSession, first: int, after: Position | None, *, short_only: bool, today: date,
                         weeks: int | None = None) -> Page[MaterialPosition]:
    """A page of positions over `weeks` weeks (None: to the end of the plan in force's horizon)."""
    page = await fetch_page(session, await _listed(session, short_only, today, weeks), OLDEST_FIRST, Material.id,
                            first, after)
    ids = [m.id for m in page.rows]
    positions = await session.run_sync(lambda s: project_materials(s, today, weeks, ids)) if ids else []
    return Page(positions, page.has_next)


async def position_of(session: AsyncSession, material_id: int, today: date) -> MaterialPosition:
    """One material's position to the end of the plan in force's horizon."""
    return (await session.run_sync(lambda s: project_materials(s, today, None, [material_id])))[0]


async def count_materials(session: AsyncSession, *, short_only: bool, today: date, weeks: int | None = None) -> int:
    listed = await _listed(session, short_only, today, weeks)
    return int(await session.scalar(select(func.count()).select_from(listed.subquery())) or 0)
