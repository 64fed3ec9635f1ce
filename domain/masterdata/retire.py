"""Retire a master record: it drops out of new orders, bills, routings and plans, and stays readable in history.
Refused (InUse, with the reason) while open orders or the plan in force still rely on it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.bounds import text
from domain.errors import InUse, InvalidTransition, NotFound
from domain.masterdata.audit import committed, record_change, snapshot
from domain.masterdata.records import CUSTOMER, MATERIAL, PRODUCT, Master, stored
from domain.masterdata.usage import listed, open_orders, orders_holding_line, planned_weeks, products_using
from domain.models import AuditEntry, Order, OrderLine, PlanItem


async def _users(session: AsyncSession, master: Master, row_id: int) -> tuple[list[str], list[str]]:
    """Open orders and weeks of the plan in force that use the record."""
    if master is CUSTOMER:
        return await open_orders(session, Order.customer_id == row_id), []
    if master is PRODUCT:
        return (await open_orders(session, OrderLine.product_id == row_id),
                await planned_weeks(session, PlanItem.product_id == row_id))
    if master is MATERIAL:
        return (await open_orders(session, OrderLine.product_id.in_(products_using(row_id))),
                await planned_weeks(session, PlanItem.product_id.in_(products_using(row_id))))
    return await orders_holding_line(session, row_id), await planned_weeks(session, PlanItem.line_id == row_id)


async def retire(session: AsyncSession, actor: str, master: Master, code: str, reason: str | None) -> AuditEntry:
    text(reason, ["reason"])
    row = await stored(session, master, code)
    if row is None:
        raise NotFound(f"{master.entity.lower()} {code!r} does not exist", ["code"])
    if row.retired_at is not None:
        raise InvalidTransition(f"{master.entity.lower()} {code} is already retired", ["code"])
    orders, weeks = await _users(session, master, row.id)
    what = f"{master.entity.lower()} {code}"
    if orders:
        raise InUse(f"{what} is still used by open orders {listed(orders)}: ship or cancel them first", ["code"])
    if weeks:
        raise InUse(f"{what} is in the plan in force for the weeks of {listed(weeks)}: replan without it first",
                    ["code"])
    before = snapshot(row)
    row.retired_at = clock.now()
    await session.flush()
    after = {**(snapshot(row) or {}), **({"reason": reason} if reason else {})}
    return await committed(session, await record_change(session, actor, master.entity, code, "RETIRE", before,
                                                        after))



