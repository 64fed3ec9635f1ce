"""The ledger a rush order sees when it may replace make-to-stock day tasks (capacity policy
rush_replaces_stock_tasks): the running week's stock hours from the rush lead days up to its requested date."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.forecast_hours import with_stock_hours
from domain.capacity.ledger import LedgerView
from domain.orders.context import OrderContext
from domain.planning import StockCut, replaceable_stock_hours, trim_stock_tasks
from rules import CapacityPolicy


@dataclass(frozen=True)
class StockRush:
    """The view a rush promise on stock hours is made on, the first day it may be made, and the tasks it trims."""

    view: LedgerView
    start: date
    cuts: list[StockCut]


async def stock_rush_view(session: AsyncSession, view: LedgerView, context: OrderContext, policy: CapacityPolicy,
                          today: date, requested: date, earliest_day: date) -> StockRush | None:
    """None when the policy keeps stock tasks from rush orders, or no stock task can give up hours by the date.

    view: the rush order's view so far (the frozen window's reserve when it has it). The stock hours count as regular
    hours of the running week the order may consume (as forecast hours: the ledger moves them from planned to
    promised); before the window's end only they and the reserve count, as in the frozen window's view."""
    if not policy.rush_replaces_stock_tasks:
        return None
    start = today + timedelta(days=policy.rush_lead_days)
    running = view.weeks[0]
    if week_start(start) != running or requested < start:
        return None
    stock = await replaceable_stock_hours(session, view.line_ids, today, start, requested)
    if not stock.rows:
        return None
    hours = stock.by_line()
    residual, claimed = view.residual.copy(), np.zeros_like(view.residual)
    reserve = view.reserve.copy()
    for li, line_id in enumerate(view.line_ids):
        if requested < earliest_day:
            residual[li, 0] = 0.0  # regular hours open only after the window
            if not policy.rush_reserve_in_frozen_window:
                reserve[li, 0] = 0.0
        claimed[li, 0] = hours.get(line_id, 0.0)
        residual[li, 0] = max(residual[li, 0], 0.0) + claimed[li, 0]
    routes = {p.id: [line_id for line_id, _ in context.routes[p.id]] for p in context.products}
    claim = with_stock_hours(view.claim, routes, running, stock.rows)
    before = view.claimed if view.claimed is not None else np.zeros_like(claimed)
    return StockRush(dataclasses.replace(view, residual=residual, reserve=reserve, claim=claim,
                                         claimed=before + claimed), start, stock.cuts)


async def replace_stock_tasks(session: AsyncSession, cuts: list[StockCut], tasks_from: date | None,
                              consumed: dict[tuple[int, date, int], float]) -> None:
    """Trim the stock tasks by the running week's stock hours the reservations consumed ((line, week, product) ->
    hours, as reserve_all returns them): which tasks give them up is known once the ledger took them."""
    if not cuts or tasks_from is None:
        return
    running = week_start(tasks_from)
    await trim_stock_tasks(session, cuts, {(line_id, product_id): hours
                                           for (line_id, week, product_id), hours in consumed.items()
                                           if week == running})
