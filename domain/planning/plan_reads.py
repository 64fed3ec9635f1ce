"""Read side of plan consensus: plan versions by standing (a keyset page), approvals, and the diff of two plans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.errors import NotFound
from domain.models import CurrentPlan, Order, Plan, PlanApproval, PlanItem, PlanMove, PlanStatus
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page
from domain.scoping import visible_orders

NEWEST_FIRST = SortKey(Plan.id, PARSERS["int"], lambda p: p.id)


def _standing(status: PlanStatus | None, in_force_id: int | None) -> ColumnElement[bool]:
    """plan_status (status.py) as a condition on the plans table."""
    if status is None:
        return true()
    rejected = Plan.rejected_at.is_not(None)
    if status is PlanStatus.REJECTED:
        return rejected
    current = Plan.id == in_force_id if in_force_id is not None else false()
    if status is PlanStatus.IN_FORCE:
        return and_(current, ~rejected)
    older = Plan.id < in_force_id if in_force_id is not None else false()
    superseded = and_(~rejected, ~current, or_(Plan.in_force_at.is_not(None), older))
    if status is PlanStatus.SUPERSEDED:
        return superseded
    return and_(~rejected, ~current, Plan.in_force_at.is_(None), ~older)


def _plans(status: PlanStatus | None, in_force_id: int | None) -> Select[Plan]:
    return select(Plan).where(_standing(status, in_force_id))


async def list_plans(session: AsyncSession, first: int, after: Position | None, status: PlanStatus | None,
                     in_force_id: int | None) -> Page[Plan]:
    """Plan versions, newest first, with this standing (every one when status is None)."""
    return await fetch_page(session, _plans(status, in_force_id), NEWEST_FIRST, Plan.id, first, after,
                            descending=True)


async def count_plans(session: AsyncSession, status: PlanStatus | None, in_force_id: int | None) -> int:
    stmt = select(func.count()).select_from(Plan).where(_standing(status, in_force_id))
    return int(await session.scalar(stmt) or 0)


async def approvals_by_plan(session: AsyncSession, plan_ids: Sequence[int]) -> dict[int, list[PlanApproval]]:
    rows = await session.scalars(select(PlanApproval).where(PlanApproval.plan_id.in_(plan_ids))
                                 .order_by(PlanApproval.at, PlanApproval.id))
    found: dict[int, list[PlanApproval]] = {i: [] for i in plan_ids}
    for row in rows:
        found[row.plan_id].append(row)
    return found


@dataclass(frozen=True)
class MovedOrderRow:
    order: Order
    from_date: date | None
    to_date: date | None
    broken: bool
    reason: str


@dataclass(frozen=True)
class PlanDiffRow:
    from_plan: Plan
    to_plan: Plan
    items_added: int
    items_removed: int
    items_changed: int
    moved_orders: list[MovedOrderRow]

    @property
    def broken_promises(self) -> list[MovedOrderRow]:
        return [m for m in self.moved_orders if m.broken]


async def _totals(session: AsyncSession, plan_id: int) -> dict[tuple[date, int, int], float]:
    rows = await session.execute(
        select(PlanItem.week, PlanItem.line_id, PlanItem.product_id, func.sum(PlanItem.quantity))
        .where(PlanItem.plan_id == plan_id, PlanItem.day.is_(None))
        .group_by(PlanItem.week, PlanItem.line_id, PlanItem.product_id))
    return {(w, line, product): float(q) for w, line, product, q in rows}


async def _moves(session: AsyncSession, older: Plan, newer: Plan) -> list[PlanMove]:
    """The moves from `older` to `newer`: those recorded on `newer` when it was solved against `older`; else those
    of every plan that went into force after `older` up to `newer` (and `newer`'s own), per order the first date
    and the last."""
    if newer.based_on_plan_id == older.id:
        chain = [newer.id]
    else:
        chain = list(await session.scalars(select(Plan.id).where(
            Plan.id > older.id, Plan.id <= newer.id, or_(Plan.in_force_at.is_not(None), Plan.id == newer.id))))
    rows = await session.scalars(select(PlanMove).where(PlanMove.plan_id.in_(chain))
                                 .order_by(PlanMove.plan_id, PlanMove.id))
    merged: dict[int, PlanMove] = {}
    for row in rows:
        first = merged.get(row.order_id)
        merged[row.order_id] = row if first is None else PlanMove(
            plan_id=row.plan_id, order_id=row.order_id, from_date=first.from_date, to_date=row.to_date,
            broken=row.broken, reason=row.reason)
    return list(merged.values())


async def plan_diff(session: AsyncSession, principal: Principal, from_id: int, to_id: int | None) -> PlanDiffRow:
    """Items added, removed and changed from one plan to another (the plan in force when to_id is None), and the
    orders whose expected date moves between them (dates swap when `from` is the newer plan)."""
    if to_id is None:
        to_id = await session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))
        if to_id is None:
            raise NotFound("no plan is in force: name the plan to compare with in `to`", ["to"])
    plans = {p.id: p for p in await session.scalars(select(Plan).where(Plan.id.in_([from_id, to_id])))}
    for name, wanted in (("from", from_id), ("to", to_id)):
        if wanted not in plans:
            raise NotFound(f"no plan with id {wanted}", [name])
    before, after = await _totals(session, from_id), await _totals(session, to_id)
    keys = set(before) | set(after)
    added = sum(1 for k in keys if k not in before)
    removed = sum(1 for k in keys if k not in after)
    changed = sum(1 for k in keys if k in before and k in after and abs(before[k] - after[k]) > 1e-6)
    older, newer = sorted((plans[from_id], plans[to_id]), key=lambda p: p.id)
    moves = [] if older.id == newer.id else await _moves(session, older, newer)
    orders = {o.id: o for o in await session.scalars(select(Order).where(
        Order.id.in_([m.order_id for m in moves]), visible_orders(principal)))}
    reverse = from_id > to_id
    moved = [MovedOrderRow(orders[m.order_id], m.to_date if reverse else m.from_date,
                           m.from_date if reverse else m.to_date, m.broken and not reverse, m.reason)
             for m in sorted(moves, key=lambda m: m.order_id) if m.order_id in orders]
    return PlanDiffRow(plans[from_id], plans[to_id], added, removed, changed, moved)
