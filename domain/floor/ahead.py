"""Work ahead: what a line's idle hours of a day should make, so hours the plan leaves unused are not lost.

The rush reserve (10-15% of every line-day) stays free for rush orders all day; most days few come, and at the day's
end the hours the day's tasks and rush orders left are lost for good. A line idle at the day's end makes now the units
open orders still need (earliest promise first) on that line: an order made in full gives back the hours it holds
in later weeks (progress.py releases them), so new orders can be promised there, and an order a few units short after
scrap is finished before its date. Nothing here is reserved: the reserve of later days stays for rush orders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.yields import LOWEST_YIELD, NO_HISTORY, observed_yields
from domain.errors import InvalidInput
from domain.floor.demand import OPEN_STATUSES
from domain.floor.lookup import line_by_code
from domain.models import Order, OrderLine, Product, ProductionLine, Routing
from rules import CapacityPolicy

# Below this an hour or a unit is round-off, not work.
MIN_HOURS = 0.25


@dataclass(frozen=True)
class AheadTask:
    """Units of one order line to start now on one line, and the hours they take there."""

    order_code: str
    sku: str
    quantity: float  # units started (gross of the expected scrap)
    hours: float


def _promised_by(last: date) -> Select[int]:
    """Ids of the open orders promised for a day up to `last`, read from the (status, promised_date) index alone.

    With the filter on the orders of the join instead, SQLite's planner (with ANALYZE's statistics, as the demo load
    leaves them) walked ix_orders_promised_date: every order ever promised up to that day, 20k on the medium demo
    plant, 7 ms a call against 0.6 ms; the simulation asks for each line every day (21 of its 189 CPU s)."""
    return select(Order.id).where(Order.status.in_(OPEN_STATUSES), Order.promised_date <= last)


async def work_ahead(session: AsyncSession, line_code: str, today: date, idle_hours: float, *, days_ahead: int,
                     taken: dict[int, float] | None = None) -> list[AheadTask]:
    """Tasks for `idle_hours` of `line_code` today: open orders made on this line and promised within days_ahead
    days, earliest promise first, for what they still need to be made (grossed up by the product's observed yield).
    taken: order line id -> good units already started ahead today on other lines (updated)."""
    if idle_hours < MIN_HOURS or days_ahead < 0:
        return []
    taken = {} if taken is None else taken
    rows = (await session.execute(
        select(Order.code, OrderLine.id, Product.id, Product.sku, OrderLine.quantity - OrderLine.quantity_made
               - OrderLine.quantity_from_stock, Routing.units_per_hour)
        .join(OrderLine, OrderLine.order_id == Order.id).join(Product, Product.id == OrderLine.product_id)
        .join(Routing, Routing.product_id == OrderLine.product_id)
        .join(ProductionLine, ProductionLine.id == Routing.line_id)
        .where(ProductionLine.code == line_code, Order.id.in_(_promised_by(today + timedelta(days=days_ahead))),
               OrderLine.quantity - OrderLine.quantity_made - OrderLine.quantity_from_stock > 1e-6,
               Routing.units_per_hour > 0)
        .order_by(Order.promised_date, Order.id, OrderLine.line_no))).all()
    good = await observed_yields(session, sorted({row[2] for row in rows})) if rows else {}
    tasks, left = [], idle_hours
    for code, line_id, product_id, sku, to_make, per_hour in rows:
        good_share = max(good.get(product_id, NO_HISTORY), LOWEST_YIELD)
        need = max(float(to_make) - taken.get(line_id, 0.0), 0.0) / good_share
        # Whole units: all the order needs, or what the hours left can start.
        started = float(min(math.ceil(need - 1e-6), math.floor(left * float(per_hour))))
        if started < 1:
            continue
        hours = started / float(per_hour)
        tasks.append(AheadTask(code, sku, started, hours))
        taken[line_id] = taken.get(line_id, 0.0) + started * good_share
        left -= hours
    return tasks


async def work_ahead_for_line(session: AsyncSession, policy: CapacityPolicy, line_code: str, idle_hours: float,
                              today: date) -> list[AheadTask]:
    """What an MES asks at a day's end: the tasks for `idle_hours` of `line_code` under the capacity policy's
    WORK-AHEAD rule (none without it). Unknown line: NotFound; hours that are not a finite amount in 0..24:
    InvalidInput."""
    if not math.isfinite(idle_hours) or not 0 <= idle_hours <= 24:
        raise InvalidInput(f"idleHours must be a number of hours from 0 to 24, not {idle_hours}", ["idleHours"])
    await line_by_code(session, line_code, ["lineCode"])
    if policy.work_ahead_days is None:
        return []
    return await work_ahead(session, line_code, today, idle_hours, days_ahead=policy.work_ahead_days)
