"""A plan's items one page at a time (Plan.itemsConnection): weekly items by week, daily tasks by day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import Order, PlanItem, Product, ProductionLine
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.planning.queries import PlanItemRow

BY_WEEK = SortKey(PlanItem.week, PARSERS["date"], lambda item: item.week)
# Daily tasks all lie in the plan's first week: their day orders them.
BY_DAY = SortKey(PlanItem.day, PARSERS["date"], lambda item: item.day)


def order_key(daily: bool) -> SortKey:
    return BY_DAY if daily else BY_WEEK


def _items(plan_id: int, daily: bool, week: date | None, line_code: str | None) -> Select[PlanItem]:
    stmt = select(PlanItem).where(PlanItem.plan_id == plan_id,
                                  PlanItem.day.is_not(None) if daily else PlanItem.day.is_(None))
    if week is not None:
        stmt = stmt.where(PlanItem.week == week_start(week))
    if line_code is not None:
        stmt = stmt.join(ProductionLine, ProductionLine.id == PlanItem.line_id).where(ProductionLine.code == line_code)
    return stmt


async def plan_items_page(
    session: AsyncSession, plan_id: int, first: int, after: Position | None, *, daily: bool,
    week: date | None = None, line_code: str | None = None,
) -> tuple[Page[PlanItem], dict[int, PlanItemRow]]:
    """A page of the plan's items (what `plan_items` lists whole) and each one's row by item id."""
    page = await fetch_page(session, _items(plan_id, daily, week, line_code), order_key(daily), PlanItem.id, first,
                            after)
    lines = dict((await session.execute(select(ProductionLine.id, ProductionLine.code).where(
        ProductionLine.id.in_({i.line_id for i in page.rows})))).all())
    skus = dict((await session.execute(select(Product.id, Product.sku).where(
        Product.id.in_({i.product_id for i in page.rows})))).all())
    owners = {i.order_id for i in page.rows if i.order_id is not None}  # inserted tasks name their order
    codes = dict((await session.execute(select(Order.id, Order.code).where(Order.id.in_(owners)))).all()
                 ) if owners else {}
    return page, {i.id: PlanItemRow(i.week, i.day, lines[i.line_id], skus[i.product_id], i.quantity, i.hours,
                                    i.crew_hours, i.quantity_made, i.frozen, codes.get(i.order_id))
                  for i in page.rows}


async def count_plan_items(session: AsyncSession, plan_id: int, *, daily: bool, week: date | None = None,
                           line_code: str | None = None) -> int:
    stmt = _items(plan_id, daily, week, line_code).with_only_columns(func.count(PlanItem.id))
    return int(await session.scalar(stmt) or 0)
