"""The running week's make-to-stock day tasks a rush order may replace (capacity policy rush_replaces_stock_tasks):
what the tasks made for no order can give up, and trimming them by the hours the rush order took."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.checks import MAY_HOLD
from domain.capacity.yields import NO_HISTORY, observed_yields
from domain.models import CapacityReservation, CurrentPlan, ForecastHours, Order, OrderLine, PlanItem, keeps_promise

# Below this an hour or a unit is round-off, not work.
MIN_SHARE = 1e-6


@dataclass(frozen=True)
class StockCut:
    """Hours a rush order may take from one make-to-stock day task (earliest day first)."""

    task_id: int
    line_id: int
    product_id: int
    day: date
    hours: float
    units_per_hour: float  # the task's started units per hour


@dataclass(frozen=True)
class StockHours:
    """What the make-to-stock tasks of the order's lines can give up, and the forecast rows that hold those hours in
    the ledger ((id, line, week, product, hours), hours capped at what the tasks give up)."""

    cuts: list[StockCut]
    rows: list[tuple[int, int, date, int, float]]

    def by_cut_line(self) -> dict[int, float]:
        """line id -> hours the cuts give up (rows are empty when no forecast hours move)."""
        hours: dict[int, float] = defaultdict(float)
        for cut in self.cuts:
            hours[cut.line_id] += cut.hours
        return dict(hours)

    def by_line(self) -> dict[int, float]:
        hours: dict[int, float] = defaultdict(float)
        for _, line_id, _, _, row_hours in self.rows:
            hours[line_id] += row_hours
        return dict(hours)


async def replaceable_stock_hours(session: AsyncSession, line_ids: Sequence[int], today: date, first_day: date,
                                  last_day: date, *, forecast_only: bool = True) -> StockHours:
    """The hours of the plan in force's day tasks made for no order on these lines from first_day to last_day (in
    first_day's week), not made yet, that the sku's waiting orders do not need.

    A task made for no order makes stock, but also the units of the sku's orders (the weekly plan makes both in one
    task), so a sku gives up only (a) its forecast hours on the line-week (the plan's hours beyond what its orders
    hold), and (b) units its tasks start beyond what its waiting orders due in the week, or holding hours in it, need
    by each day (at the sku's observed yield; orders late already need theirs first).

    forecast_only=False drops (a): the tasks' hours the sku's orders do not need this week at all, whether the plan
    holds them for its forecast or makes an order of a later week early (rows then empty: no forecast hours move)."""
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    week = week_start(first_day)
    end = week + timedelta(days=6)
    last_day = min(last_day, end)
    if plan_id is None or last_day < first_day or not line_ids:
        return StockHours([], [])
    candidates = (await session.execute(
        select(PlanItem.id, PlanItem.line_id, PlanItem.product_id, PlanItem.day, PlanItem.quantity, PlanItem.hours,
               PlanItem.quantity_made)
        .where(PlanItem.plan_id == plan_id, PlanItem.order_id.is_(None), PlanItem.line_id.in_(list(line_ids)),
               PlanItem.day >= first_day, PlanItem.day <= last_day, PlanItem.hours > 0,
               PlanItem.quantity > PlanItem.quantity_made)
        .order_by(PlanItem.day, PlanItem.line_id, PlanItem.id))).all()
    products = sorted({row.product_id for row in candidates})
    if not products:
        return StockHours([], [])
    forecast = {(line_id, product_id): (row_id, float(hours)) for row_id, line_id, product_id, hours in (
        await session.execute(select(ForecastHours.id, ForecastHours.line_id, ForecastHours.product_id,
                                     ForecastHours.hours)
                              .where(ForecastHours.week == week, ForecastHours.line_id.in_(list(line_ids)),
                                     ForecastHours.product_id.in_(products)))).all()}
    yields = await observed_yields(session, products)
    slack = await units_spare(session, plan_id, products, yields, today, end)
    cuts: list[StockCut] = []
    taken: dict[tuple[int, int], float] = defaultdict(float)
    for task_id, line_id, product_id, day, quantity, hours, made in candidates:
        row = forecast.get((line_id, product_id)) if forecast_only else (0, math.inf)
        if row is None or day is None:
            continue
        rate = float(quantity) / float(hours)
        good = yields.get(product_id, NO_HISTORY)
        left = float(hours) * (1 - float(made) / float(quantity))
        spare_units = min((s for d, s in slack[product_id].items() if d >= day), default=0.0)
        give = min(left, row[1] - taken[(line_id, product_id)], max(spare_units, 0.0) / (rate * good))
        if give <= MIN_SHARE:
            continue
        cuts.append(StockCut(task_id, line_id, product_id, day, give, rate))
        taken[(line_id, product_id)] += give
        for d in slack[product_id]:
            if d >= day:
                slack[product_id][d] -= give * rate * good
    rows = [(forecast[key][0], key[0], week, key[1], hours) for key, hours in sorted(taken.items()) if forecast_only]
    return StockHours(cuts, rows)


async def units_spare(session: AsyncSession, plan_id: int, products: list[int], yields: Mapping[int, float],
                      today: date, end: date) -> dict[int, dict[date, float]]:
    """product -> day -> good units its day tasks start from today up to that day, less what its waiting orders
    need by then (due in the week, or holding hours in it: those by the week's end)."""
    days = [today + timedelta(days=d) for d in range((end - today).days + 1)]
    week = week_start(end)
    supply: dict[int, dict[date, float]] = {p: defaultdict(float) for p in products}
    for product_id, day, quantity, made in (await session.execute(
        select(PlanItem.product_id, PlanItem.day, PlanItem.quantity, PlanItem.quantity_made)
        .where(PlanItem.plan_id == plan_id, PlanItem.product_id.in_(products), PlanItem.day >= today,
               PlanItem.day <= end))).all():
        if day is not None:
            supply[product_id][day] += (max(float(quantity) - float(made), 0.0)
                                        * yields.get(product_id, NO_HISTORY))
    holding = select(CapacityReservation.order_id).where(CapacityReservation.week == week)
    need: dict[int, dict[date, float]] = {p: defaultdict(float) for p in products}
    for product_id, promised, to_make in (await session.execute(
        select(OrderLine.product_id, Order.promised_date, OrderLine.quantity_to_make)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id.in_(products), keeps_promise(MAY_HOLD), OrderLine.quantity_to_make > 0,
               or_(Order.promised_date <= end, Order.id.in_(holding))))).all():
        due = end if promised is None or promised > end else max(promised, today)
        need[product_id][due] += float(to_make)
    slack: dict[int, dict[date, float]] = {}
    for product_id in products:
        running, by_day = 0.0, {}
        for day in days:
            running += supply[product_id].get(day, 0.0) - need[product_id].get(day, 0.0)
            by_day[day] = running
        slack[product_id] = by_day
    return slack


async def trim_stock_tasks(session: AsyncSession, cuts: Sequence[StockCut],
                           taken: Mapping[tuple[int, int], float]) -> None:
    """Take the hours a rush order consumed ((line, product) -> hours) off those tasks, earliest cut first, so its
    own task replaces them on the day instead of adding to the line's load."""
    left = dict(taken)
    for cut in cuts:
        hours = min(cut.hours, left.get((cut.line_id, cut.product_id), 0.0))
        if hours <= MIN_SHARE:
            continue
        left[(cut.line_id, cut.product_id)] -= hours
        task = await session.get(PlanItem, cut.task_id)
        if task is None:
            continue
        share = hours / task.hours if task.hours > 0 else 0.0
        task.quantity = max(task.quantity - hours * cut.units_per_hour, 0.0)
        task.crew_hours = task.crew_hours * (1 - share)
        task.hours = max(task.hours - hours, 0.0)
