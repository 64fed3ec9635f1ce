"""The periodic rush review's actions (R15): per rush order the cause people found, an owner and a due date,
closed when done. The review meeting records them; the open list is what is still to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.clock import today
from domain.errors import InvalidInput, InvalidTransition, NotFound
from domain.models import Customer, Order, RushCause, RushInsertion, utcnow
from domain.paging import PARSERS, Page, Position, SortKey, fetch_page


@dataclass(frozen=True)
class RushAction:
    order_code: str
    customer_code: str
    account_owner: str | None
    cause: str  # as the rush rules recorded it at insertion
    reviewed_cause: str | None  # as the review found it
    owner: str | None
    due_on: date | None
    action: str | None
    overdue: bool  # open and past its due date
    closed_at: datetime | None
    closed_by: str | None
    closing_note: str | None


def _of(row: RushInsertion, order: Order, customer: Customer) -> RushAction:
    overdue = row.closed_at is None and row.due_on is not None and row.due_on < today()
    return RushAction(order.code, customer.code, customer.account_owner, row.cause.value,
                      row.reviewed_cause.value if row.reviewed_cause else None, row.owner, row.due_on, row.action,
                      overdue, row.closed_at, row.closed_by, row.closing_note)


async def _find(session: AsyncSession, order_code: str) -> tuple[RushInsertion, Order, Customer]:
    found = (await session.execute(
        select(RushInsertion, Order, Customer).join(Order, Order.id == RushInsertion.order_id)
        .join(Customer, Customer.id == Order.customer_id).where(Order.code == order_code))).first()
    if found is None:
        raise NotFound(f"no rush order {bounds.shown(order_code)} (only orders inserted as rush are reviewed)",
                       ["input", "orderCode"])
    return found[0], found[1], found[2]


async def record_rush_action(session: AsyncSession, principal: Principal, order_code: str, cause: RushCause,
                             owner: str, due_on: date, action: str) -> RushAction:
    """The review's finding on one rush order: why it was rush, who does what by when."""
    row, order, customer = await _find(session, order_code)
    if row.closed_at is not None:
        raise InvalidTransition(f"the review action of {order_code} was closed on {row.closed_at.date()}",
                                ["input", "orderCode"])
    if due_on < today():
        raise InvalidInput(f"dueOn {due_on.isoformat()} is in the past", ["input", "dueOn"])
    for value, field in ((owner, "owner"), (action, "action")):
        if not value.strip():
            raise InvalidInput(f"{field} is empty: say who answers for it and what they do", ["input", field])
    row.reviewed_cause, row.due_on = cause, due_on
    row.owner = bounds.text(owner.strip(), ["input", "owner"], 128)
    row.action = bounds.text(action.strip(), ["input", "action"], 2000)
    await session.commit()
    return _of(row, order, customer)


async def close_rush_action(session: AsyncSession, principal: Principal, order_code: str,
                            note: str | None) -> RushAction:
    row, order, customer = await _find(session, order_code)
    if row.owner is None:
        raise InvalidTransition(f"{order_code} has no review action to close: record one first",
                                ["input", "orderCode"])
    if row.closed_at is None:
        row.closed_at, row.closed_by = utcnow(), principal.actor
        row.closing_note = bounds.text(note, ["input", "note"], 2000)
    await session.commit()
    return _of(row, order, customer)


def _with_actions(open_only: bool | None) -> Select[RushInsertion]:
    stmt = select(RushInsertion).where(RushInsertion.owner.is_not(None))
    if open_only is not None:
        stmt = stmt.where(RushInsertion.closed_at.is_(None) if open_only else RushInsertion.closed_at.is_not(None))
    return stmt


async def rush_actions(session: AsyncSession, open_only: bool | None = None) -> list[RushAction]:
    """Rush orders with a review action, due first; open_only: not closed yet (None: all)."""
    stmt = (_with_actions(open_only).add_columns(Order, Customer).join(Order, Order.id == RushInsertion.order_id)
            .join(Customer, Customer.id == Order.customer_id))
    rows = await session.execute(stmt.order_by(RushInsertion.due_on, Order.code))
    return [_of(r, o, c) for r, o, c in rows]


# An action's due date is set with its owner (record_rush_action), so it is never null where the list looks.
DUE_FIRST = SortKey(RushInsertion.due_on, PARSERS["date"], lambda row: row.due_on)


async def rush_actions_page(session: AsyncSession, first: int, after: Position | None,
                            open_only: bool | None = None) -> tuple[Page[RushInsertion], dict[int, RushAction]]:
    """A page of review actions, due first (ties in the order they were inserted), and each one's action by id."""
    page = await fetch_page(session, _with_actions(open_only), DUE_FIRST, RushInsertion.id, first, after)
    rows = await session.execute(select(Order, Customer).join(Customer, Customer.id == Order.customer_id)
                                 .where(Order.id.in_({r.order_id for r in page.rows})))
    orders = {order.id: (order, customer) for order, customer in rows}
    return page, {r.id: _of(r, *orders[r.order_id]) for r in page.rows}


async def count_rush_actions(session: AsyncSession, open_only: bool | None = None) -> int:
    return int(await session.scalar(_with_actions(open_only).with_only_columns(func.count(RushInsertion.id))) or 0)
