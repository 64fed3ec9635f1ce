"""A rush order's promise on the running week's hours (R14, R15): the frozen days' reserve, its lines' idle hours and
the make-to-stock tasks, from the first day the capacity policy's lead days let its lines make it; and the arrival
day as a fallback (rush_in_frozen_window arrival_day_fallback) when the lead days give it no promise by its date."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.holding import Holding
from domain.capacity.ledger import LedgerView
from domain.orders.context import OrderContext
from domain.orders.finished_goods import StockCover
from domain.orders.frozen_rush import frozen_rush_view
from domain.orders.idle_rush import Postponable, idle_rush_view
from domain.orders.materials import check_materials
from domain.orders.promise import OrderPromise, build_ctp, promise_order
from domain.orders.stock_rush import stock_rush_view
from domain.planning import StockCut, WeekHours, first_task_day
from rules import CapacityPolicy


@dataclass(frozen=True)
class RushFit:
    """A rush promise and what the floor does for it: the first day its lines make it, the make-to-stock tasks it
    replaces, and the day tasks it may postpone."""

    promise: OrderPromise
    start: date
    stock_cuts: list[StockCut] = field(default_factory=list)
    postponable: Postponable | None = None


@dataclass(frozen=True)
class RushAsk:
    """The rush order as the running week's views see it."""

    view: LedgerView  # its ledger view, without the reserve of the weeks it may not take
    context: OrderContext
    stock: StockCover
    requested: date
    held: Holding | None  # what the order, decided again, holds (counted free)
    movable_tiers: Collection[str]  # the priority tiers whose orders' day tasks it may move
    running_open: bool  # may it take the running week's frozen-day reserve and idle hours
    plain: RushFit  # its promise on the reserve from the window's end, as every rush order has it


async def running_week_fit(session: AsyncSession, ask: RushAsk, policy: CapacityPolicy, today: date,
                           earliest_day: date) -> RushFit:
    """ask.plain when it fits; else the first promise by the date on the frozen days' reserve, then the idle hours,
    then the stock tasks' hours on top; else ask.plain. Each view starts on today + the policy's rush_lead_days."""
    fit = ask.plain
    inside = None if fit.promise.fits or not ask.running_open else await frozen_rush_view(
        session, ask.view, policy, today, ask.requested, earliest_day, ask.held)
    if inside is not None:
        in_window = _promise(inside.view, ask, inside.start)
        if in_window.fits:
            fit = RushFit(in_window, inside.start)
    idle = None if fit.promise.fits or not ask.running_open else await idle_rush_view(
        session, ask.view, policy, today, ask.requested, earliest_day, ask.held, movable_tiers=ask.movable_tiers)
    if idle is not None:
        on_idle = _promise(idle.view, ask, idle.start)
        if on_idle.fits:
            fit = RushFit(on_idle, idle.start, [], idle.postponable)
    # Stock tasks' hours come on top of the widest reserve view so far.
    base = idle.within_reserve() if idle is not None else inside.view if inside is not None else ask.view
    stocked = None if fit.promise.fits else await stock_rush_view(
        session, base, ask.context, policy, today, ask.requested, earliest_day)
    if stocked is not None:
        on_stock = _promise(stocked.view, ask, stocked.start)
        if on_stock.fits:
            fit = RushFit(on_stock, stocked.start, stocked.cuts, idle.postponable if idle is not None else None)
    return fit


async def arrival_day_fit(session: AsyncSession, ask: RushAsk, policy: CapacityPolicy, today: date,
                          earliest_day: date) -> RushFit | None:
    """For a rush order the lead days give no promise by its date: the running week's views again from the day it
    arrives (lead 0), when the policy says so (rush_arrival_day_fallback). None unless that promise is ready by the
    date and its components are in by the first day its day tasks would be laid (a receipt due tomorrow counts for a
    task the days' load lays tomorrow, not for one laid today; counted with every hour the tasks it may cut give up,
    so that day is never later than the one persist.py lays it on). The fit starts on that day, so the tasks are
    laid from it and never before the components."""
    if not policy.rush_arrival_day_fallback or policy.rush_lead_days == 0:
        return None
    fit = await running_week_fit(session, ask, dataclasses.replace(policy, rush_lead_days=0), today, earliest_day)
    if not fit.promise.fits:
        return None
    running = week_start(fit.start)
    holdings = [WeekHours(use.line_id, ask.context.products[line.index].id, use.hours)
                for line in fit.promise.lines for use in line.uses if use.week == running]
    # The tasks the promise may cut give up their hours on their days before its own are laid (persist.py).
    freed: dict[tuple[int, date], float] = defaultdict(float)
    for cut in [*fit.stock_cuts, *(fit.postponable.cuts if fit.postponable is not None else [])]:
        freed[(cut.line_id, cut.day)] += cut.hours
    laid = await first_task_day(session, holdings, fit.start, ask.requested, freed) or fit.start
    need = min((use.week for line in fit.promise.lines for use in line.uses), default=running)
    if not check_materials(ask.context, ask.stock.to_make, max(need, laid), today).fits:
        return None
    return dataclasses.replace(fit, start=laid)


def _promise(view: LedgerView, ask: RushAsk, start: date) -> OrderPromise:
    ctp, rates = build_ctp(view, ask.context)
    return promise_order(ctp, rates, view, ask.stock, ask.requested, start, use_reserve=True)
