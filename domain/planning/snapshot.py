"""Read the plant from the database into the solver's PlanningProblem (plain arrays)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from domain.capacity.calendar import weeks_from
from domain.capacity.finished_stock import held_for_orders
from domain.capacity.line_hours import usual_hours
from domain.capacity.yields import NO_HISTORY, observed_yields_sync, scrap_allowances_sync
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    Forecast,
    ForecastTier,
    LineCalendarDay,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductionLine,
    ProductionOrder,
    ProductionOrderStatus,
    Routing,
    keeps_promise,
)
from domain.planning.forecast_netting import ForecastDecay, family_pools, net_forecast
from solver.daily import overtime_within_days
from solver.problem import PlanningProblem
from solver.units import ROUND_OFF

# Statuses whose open quantity production still owes.
FIRM_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION)
# Carrying cost per year as a share of unit cost (holding cost of the LP).
ANNUAL_CARRYING_SHARE = 0.25


@dataclass(frozen=True)
class PlantSnapshot:
    """The problem plus the database ids behind its indices, to save the plan back."""

    problem: PlanningProblem
    product_ids: list[int]
    line_ids: list[int]
    firm_demand: np.ndarray  # [P, W] good units of accepted orders (the problem's demand is in units started)
    forecast_net: np.ndarray  # [P, W] forecast of the tier net of orders
    fingerprint: str
    day_hours: np.ndarray  # [L, W, 7] calendar hours per day
    crew_size: np.ndarray  # [L]
    # [P] weekday the earliest open order of each product is due in the first week (7: none): its day tasks go first.
    due_day: np.ndarray | None = None


def _index(ids: list[int]) -> dict[int, int]:
    return {value: i for i, value in enumerate(ids)}


def _day_hours(session: Session, lines: list[ProductionLine], weeks: list[date]) -> np.ndarray:
    """[L, W, 7] calendar hours per day: weekly hours spread over working days, with calendar exceptions."""
    horizon_end = weeks[-1] + timedelta(days=7)
    hours = np.zeros((len(lines), len(weeks), 7))
    exceptions = {
        (row.line_id, row.day): row.hours
        for row in session.scalars(
            select(LineCalendarDay).where(LineCalendarDay.day >= weeks[0], LineCalendarDay.day < horizon_end)
        )
    }
    for li, line in enumerate(lines):
        hours[li, :, :] = usual_hours(line.weekly_capacity_hours, line.working_days)
        for wi, monday in enumerate(weeks):
            for d in range(7):
                special = exceptions.get((line.id, monday + timedelta(days=d)))
                if special is not None:
                    hours[li, wi, d] = special
    return hours


def after_incidents(day_hours: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """[..., 7] calendar hours per day cut to the week's capacity after incidents, the loss spread
    over the days in proportion (the ledger keeps lost hours per week, not per day)."""
    total = day_hours.sum(axis=-1, keepdims=True)
    return np.divide(day_hours * capacity[..., None], total, out=np.zeros_like(day_hours), where=total > 0)


def _week_of(dates: np.ndarray, first: date, n_weeks: int) -> np.ndarray:
    """Week index of each date in the horizon; overdue dates fall in week 0, later ones are dropped (-1)."""
    offsets = np.array([(d - first).days // 7 for d in dates], dtype=np.int64)
    offsets[offsets < 0] = 0
    offsets[offsets >= n_weeks] = -1
    return offsets


def _firm_demand(session: Session, pindex: dict[int, int], weeks: list[date]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open quantity of firm orders per product-week, the highest priority score behind it, and per product the
    weekday its earliest open order is due in the first week (0 when overdue, 7 when none is due then)."""
    rows: list[Any] = list(session.execute(
        select(
            OrderLine.product_id,
            OrderLine.quantity_to_make,
            func.coalesce(Order.promised_date, Order.requested_date),
            Order.priority_score,
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(keeps_promise(FIRM_STATUSES), OrderLine.quantity_to_make > 0)
    ))
    demand = np.zeros((len(pindex), len(weeks)))
    priority = np.zeros((len(pindex), len(weeks)))
    due_day = np.full(len(pindex), 7, dtype=np.int64)
    if not rows:
        return demand, priority, due_day
    products = np.array([pindex[r[0]] for r in rows])
    quantity = np.array([float(r[1]) for r in rows])
    week = _week_of(np.array([r[2] for r in rows]), weeks[0], len(weeks))
    score = np.array([float(r[3] or 0.0) for r in rows])
    inside = week >= 0
    np.add.at(demand, (products[inside], week[inside]), quantity[inside])
    np.maximum.at(priority, (products[inside], week[inside]), score[inside])
    day = np.clip(np.array([(d - weeks[0]).days for d in (r[2] for r in rows)], dtype=np.int64), 0, 7)
    np.minimum.at(due_day, products, day)
    return demand, priority, due_day


def _released_for_stock(session: Session, pindex: dict[int, int], weeks: list[date]) -> np.ndarray:
    """Released production orders of no order (stock back to safety level, R10/R11), what is left to make of
    them per product-week by their due date; those of an order are its demand already."""
    rows = session.execute(
        select(ProductionOrder.product_id, ProductionOrder.quantity - ProductionOrder.quantity_made,
               ProductionOrder.due_date)
        .where(ProductionOrder.status == ProductionOrderStatus.RELEASED, ProductionOrder.order_id.is_(None),
               ProductionOrder.quantity > ProductionOrder.quantity_made)
    ).all()
    work = np.zeros((len(pindex), len(weeks)))
    if rows:
        products = np.array([pindex[r[0]] for r in rows])
        week = _week_of(np.array([r[2] for r in rows]), weeks[0], len(weeks))
        inside = week >= 0
        np.add.at(work, (products[inside], week[inside]), np.array([float(r[1]) for r in rows])[inside])
    return work


def _with_stock_orders(inventory: np.ndarray, safety_stock: np.ndarray, for_stock: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Free stock and safety stock for the LP when released stock orders are its demand (`for_stock` per product).

    Such an order says "make this much more", and its output goes to stock rather than to a customer. So the
    free stock it tops up is set aside (else it would cover the order's own demand, and less be made), and the
    safety stock the LP refills on its own is lowered by the order and that stock (else a release doubled the
    work: 49 to make became 98). It consumes no forecast either: it is not netted against it."""
    set_aside = np.minimum(inventory, for_stock)
    return inventory - set_aside, np.maximum(safety_stock - for_stock - set_aside, 0.0)


def _forecast(session: Session, pindex: dict[int, int], weeks: list[date], tier: ForecastTier) -> np.ndarray:
    """The latest submitted forecast of the tier per product-week."""
    column = {ForecastTier.LOW: Forecast.low, ForecastTier.MID: Forecast.mid, ForecastTier.HIGH: Forecast.high}[tier]
    latest = (
        select(Forecast.product_id, Forecast.week, func.max(Forecast.submitted_at).label("at"))
        .where(Forecast.week >= weeks[0], Forecast.week <= weeks[-1])
        .group_by(Forecast.product_id, Forecast.week)
        .subquery()
    )
    rows = session.execute(
        select(Forecast.product_id, Forecast.week, column).join(
            latest,
            and_(
                Forecast.product_id == latest.c.product_id,
                Forecast.week == latest.c.week,
                Forecast.submitted_at == latest.c.at,
            ),
        )
    ).all()
    forecast = np.zeros((len(pindex), len(weeks)))
    wmap = {w: i for i, w in enumerate(weeks)}
    for product_id, week, quantity in rows:
        if week in wmap:
            forecast[pindex[product_id], wmap[week]] = float(quantity)
    return forecast


def _stock_held_for_orders(session: Session, pindex: dict[int, int]) -> np.ndarray:
    """Finished units made for orders or taken from stock for them, and not shipped yet: not free inventory.

    An order holds what is made of it so far and what it took from stock (its demand is only what is
    left to make); a part already shipped has left the stock.
    """
    rows = session.execute(held_for_orders()).all()
    held = np.zeros(len(pindex))
    for product_id, quantity in rows:
        held[pindex[product_id]] = max(float(quantity or 0.0), 0.0)
    return held


def _committed(session: Session, routes: Sequence[Any], lindex: dict[int, int], weeks: list[date]
               ) -> tuple[np.ndarray, np.ndarray]:
    """[R, W] hours the open orders hold per route-week (the ledger's reservations), and [L, W] of them taken
    from the rush reserve."""
    committed = np.zeros((len(routes), len(weeks)))
    reserve_used = np.zeros((len(lindex), len(weeks)))
    route_of = {(product_id, line_id): ri for ri, (product_id, line_id, _rate) in enumerate(routes)}
    wmap = {w: i for i, w in enumerate(weeks)}
    for product_id, line_id, week, from_reserve, hours in session.execute(
        select(OrderLine.product_id, CapacityReservation.line_id, CapacityReservation.week,
               CapacityReservation.from_reserve, func.sum(CapacityReservation.hours))
        .join(OrderLine, OrderLine.id == CapacityReservation.order_line_id)
        .where(CapacityReservation.week >= weeks[0], CapacityReservation.week <= weeks[-1])
        .group_by(OrderLine.product_id, CapacityReservation.line_id, CapacityReservation.week,
                  CapacityReservation.from_reserve)
    ):
        route, wi = route_of.get((product_id, line_id)), wmap.get(week)
        if route is None or wi is None:
            continue  # the routing is gone: nothing the plan can make there
        committed[route, wi] += float(hours)
        if from_reserve:
            reserve_used[lindex[line_id], wi] += float(hours)
    return committed, reserve_used


def promise_break_cost(backlog_weight: np.ndarray, route_product: np.ndarray, route_rate: np.ndarray) -> float:
    """Per promised hour not made: twice what any hour's units could save by being on time all horizon long,
    so the LP breaks a promise only when the hours are not there at all."""
    if not len(route_product):
        return 0.0
    per_hour_week = backlog_weight.max(axis=1)[route_product] * route_rate
    return float(2.0 * backlog_weight.shape[1] * per_hour_week.max())


def _lost_hours(session: Session, lindex: dict[int, int], weeks: list[date]) -> np.ndarray:
    lost = np.zeros((len(lindex), len(weeks)))
    wmap = {w: i for i, w in enumerate(weeks)}
    for row in session.execute(
        select(CapacityLedger.line_id, CapacityLedger.week, CapacityLedger.lost_hours).where(
            CapacityLedger.week >= weeks[0], CapacityLedger.week <= weeks[-1], CapacityLedger.lost_hours > 0
        )
    ):
        if row.week in wmap and row.line_id in lindex:
            lost[lindex[row.line_id], wmap[row.week]] = float(row.lost_hours)
    return lost


def load_snapshot(
    session: Session,
    start: date,
    horizon_weeks: int,
    tier: ForecastTier,
    reserve_share: float,
    plan_in_force: tuple[list[date], dict[tuple[int, int], np.ndarray]] | None = None,
    frozen_weeks: int = 0,
    change_window_weeks: int | None = None,
    detail_weeks: int | None = None,
    bucket_weeks: int = 4,
    netting: tuple[str, int, int] = ("SKU", 0, 1),
    decay: ForecastDecay | None = None,
) -> PlantSnapshot:
    """Everything the LP needs for `horizon_weeks` weeks from the week of `start`.

    netting: (match, backward_weeks, forward_weeks) over which firm orders consume the forecast (forecast_netting.py;
    the default nets each order against its own sku's forecast of its own week only). decay: plan of a week's
    forecast nobody ordered only the share still to be ordered (None: all of it)."""
    weeks = weeks_from(start, horizon_weeks)
    products = list(session.scalars(select(Product).order_by(Product.id)))
    lines = list(session.scalars(select(ProductionLine).order_by(ProductionLine.id)))
    pindex, lindex = _index([p.id for p in products]), _index([line.id for line in lines])
    # Retired products and lines (master data) get no new plan: no route, no forecast, no safety stock.
    retired = np.array([p.retired_at is not None for p in products], dtype=bool)
    routes = session.execute(
        select(Routing.product_id, Routing.line_id, Routing.units_per_hour)
        .join(Product, Product.id == Routing.product_id).join(ProductionLine, ProductionLine.id == Routing.line_id)
        .where(Product.retired_at.is_(None), ProductionLine.retired_at.is_(None)).order_by(Routing.id)
    ).all()
    route_product = np.array([pindex[r[0]] for r in routes], dtype=np.int64)
    route_line = np.array([lindex[r[1]] for r in routes], dtype=np.int64)
    route_rate = np.array([float(r[2]) for r in routes])
    ordered, priority, due_day = _firm_demand(session, pindex, weeks)
    fastest = np.zeros(len(products))
    np.maximum.at(fastest, route_product, route_rate)
    match, backward_weeks, forward_weeks = netting
    forecast_net = net_forecast(
        _forecast(session, pindex, weeks, tier), ordered, match=match, backward_weeks=backward_weeks,
        forward_weeks=forward_weeks,
        pools=family_pools([p.family for p in products], route_product, route_line) if match == "FAMILY" else None,
        hours_per_unit=np.divide(1.0, fastest, out=np.zeros_like(fastest), where=fastest > 0),
        still_to_order=None if decay is None else decay.still_to_order(weeks))
    forecast_net[retired] = 0.0
    for_stock = _released_for_stock(session, pindex, weeks)
    firm = ordered + for_stock
    on_hand = np.array([p.on_hand for p in products], dtype=float)
    inventory, safety_stock = _with_stock_orders(
        np.maximum(on_hand - _stock_held_for_orders(session, pindex), 0.0),
        np.array([p.safety_stock for p in products], dtype=float), for_stock.sum(axis=1))
    # The LP plans units started: every good quantity (demand, stock, safety stock) is divided by the product's
    # observed yield, so the plan and the day's tasks start enough for the good units owed (scrap is the rest).
    observed = observed_yields_sync(session)
    started_per_good = 1.0 / np.array([observed.get(p.id, NO_HISTORY) for p in products], dtype=float)
    allowances = scrap_allowances_sync(session, [p.id for p in products])
    scrap_allowance = np.array([allowances.get(p.id, 1.0) for p in products], dtype=float)
    unit_cost = np.array([float(p.unit_cost) for p in products])
    unit_margin = np.maximum(np.array([float(p.list_price) for p in products]) - unit_cost, 1.0)
    # Late units cost their margin per week, scaled up by the priority of the orders behind them.
    backlog_weight = unit_margin[:, None] * (1.0 + priority / 100.0)
    day_hours = _day_hours(session, lines, weeks)
    capacity = np.maximum(day_hours.sum(axis=2) - _lost_hours(session, lindex, weeks), 0.0)
    allowance = np.repeat(np.array([[line.max_overtime_hours] for line in lines], dtype=float), len(weeks), axis=1)
    # Overtime lengthens working days, up to 24 h each: a line on 24 h days has none to give.
    overtime = overtime_within_days(after_incidents(day_hours, capacity), allowance, reserve_share)
    committed, reserve_used = _committed(session, routes, lindex, weeks)
    previous = None
    if plan_in_force is not None:
        previous = _align_plan(plan_in_force, weeks, routes, pindex, lindex)
    problem = PlanningProblem(
        weeks=weeks,
        products=[p.sku for p in products],
        lines=[line.code for line in lines],
        families=[p.family for p in products],
        route_product=route_product,
        route_line=route_line,
        route_rate=route_rate,
        capacity_hours=capacity,
        overtime_max_hours=overtime,
        # Whole units started for firm orders, rounded up: rounded to the nearest, their last good unit goes missing.
        # Firm orders start a scrap allowance more (a low yield of the product, as an inserted task does): the plan
        # makes an order's units exactly, and a day below the mean yield would leave it a unit short on its day.
        demand=np.ceil(firm * (started_per_good * scrap_allowance)[:, None] - ROUND_OFF)
        + forecast_net * started_per_good[:, None],
        initial_inventory=inventory * started_per_good,
        initial_backlog=np.zeros(len(products)),
        safety_stock=np.where([p.retired_at is not None for p in products], 0.0, safety_stock) * started_per_good,
        lot_size=np.array([p.lot_size or 1.0 for p in products], dtype=float),
        holding_cost=np.maximum(unit_cost * ANNUAL_CARRYING_SHARE / 52.0, 1e-3),
        backlog_weight=backlog_weight,
        reserve_share=reserve_share,
        overtime_cost=float(np.median(unit_margin)) if len(unit_margin) else 1.0,
        plan_in_force=previous,
        committed_hours=committed,
        reserve_used_hours=reserve_used,
        promise_break_cost=promise_break_cost(backlog_weight, route_product, route_rate),
        frozen_weeks=frozen_weeks if previous is not None else 0,
        change_window_weeks=change_window_weeks,
        detail_weeks=detail_weeks,
        bucket_weeks=bucket_weeks,
    )
    digest = hashlib.sha256()
    for array in (problem.capacity_hours, problem.demand, problem.initial_inventory, route_rate, committed,
                  problem.lot_size):
        digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
    digest.update(f"{tier}|{reserve_share}|{weeks[0]}|{horizon_weeks}|{frozen_weeks}|{detail_weeks}".encode())
    return PlantSnapshot(
        problem,
        [p.id for p in products],
        [line.id for line in lines],
        firm,
        forecast_net,
        digest.hexdigest()[:16],
        day_hours,
        np.array([line.crew_size for line in lines], dtype=float),
        due_day,
    )


def _align_plan(
    plan: tuple[list[date], dict[tuple[int, int], np.ndarray]],
    weeks: list[date],
    routes: Sequence[Any],
    pindex: dict[int, int],
    lindex: dict[int, int],
) -> np.ndarray:
    """Production of the plan in force per route of this snapshot, on this snapshot's weeks."""
    plan_weeks, quantities = plan
    aligned = np.zeros((len(routes), len(weeks)))
    position = {w: i for i, w in enumerate(plan_weeks)}
    for ri, (product_id, line_id, _rate) in enumerate(routes):
        row = quantities.get((product_id, line_id))
        if row is None:
            continue
        for wi, week in enumerate(weeks):
            if week in position:
                aligned[ri, wi] = row[position[week]]
    return aligned
