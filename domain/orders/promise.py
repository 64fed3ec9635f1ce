"""Capable-to-promise for one order: stock first, then the ledger; dates per line, what fits by the requested date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.forecast_hours import ForecastClaim, forecast_claim, with_other_skus
from domain.capacity.ledger import LedgerView
from domain.capacity.yields import NO_HISTORY
from domain.models import CapacityReservation
from domain.orders.context import OrderContext
from domain.orders.finished_goods import StockCover
from rules import CapacityPolicy
from solver.promise import CapableToPromise
from solver.promise_types import QuoteLine
from solver.units import split_line

QUANTITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Use:
    """Hours of one line-week an order line would take (from the regular hours or the rush reserve)."""

    line_id: int
    week: date
    hours: float
    quantity: float
    from_reserve: bool


@dataclass(frozen=True)
class LinePromise:
    index: int  # position of the order line
    quantity: float
    by_requested: float  # most that is ready by the requested date
    ready_date: date | None  # when all of it is ready; None: not within the horizon
    uses: list[Use]  # hours for what stock does not cover
    from_stock: float = 0.0  # finished units in stock that cover part of quantity


@dataclass(frozen=True)
class OrderPromise:
    requested: date
    use_reserve: bool
    lines: list[LinePromise]
    # (line id, week) -> share of the running week still open; reserving checks against the same room.
    open_shares: dict[tuple[int, date], float] = field(default_factory=dict)
    claim: ForecastClaim | None = None  # the order's forecast hours its reservations may consume (the view's)
    # Ledger rows the view only imagined ((line, week) -> capacity, reserve hours): reserving creates them first.
    missing_rows: Mapping[tuple[int, date], tuple[float, float]] = field(default_factory=dict)

    @property
    def fits(self) -> bool:
        return all(line.by_requested >= line.quantity - QUANTITY_TOLERANCE for line in self.lines)

    @property
    def ready_date(self) -> date | None:
        dates = [line.ready_date for line in self.lines]
        return None if any(d is None for d in dates) else max(d for d in dates if d is not None)

    @property
    def reserve_hours(self) -> float:
        return sum(use.hours for line in self.lines for use in line.uses if use.from_reserve)

    def reservations(self, order_id: int, order_line_ids: list[int]) -> list[CapacityReservation]:
        return [
            CapacityReservation(order_id=order_id, order_line_id=order_line_ids[line.index], line_id=use.line_id,
                                week=use.week, hours=use.hours, quantity=use.quantity, from_reserve=use.from_reserve)
            for line in self.lines
            for use in line.uses
        ]


def build_ctp(view: LedgerView, context: OrderContext, materials: tuple[np.ndarray, np.ndarray] | None = None,
              ) -> tuple[CapableToPromise, dict[tuple[int, int], float]]:
    """A CTP whose 'products' are the order's lines, on the free hours of the lines that make them.

    Rates are good units per hour (the route's rate times the product's observed yield), so an order's hours
    include those of its scrap: quantity / yield / rate."""
    index = view.line_index()
    route_product, route_line, route_rate = [], [], []
    rates: dict[tuple[int, int], float] = {}
    for pi, product in enumerate(context.products):
        good_share = context.yields.get(product.id, NO_HISTORY)
        for line_id, rate in context.routes[product.id]:
            route_product.append(pi)
            route_line.append(index[line_id])
            route_rate.append(rate * good_share)
            rates[(pi, index[line_id])] = rate * good_share
    available, bill = materials if materials is not None else (None, None)
    ctp = CapableToPromise(
        view.weeks, [str(i) for i in view.line_ids], np.array(route_product), np.array(route_line),
        np.array(route_rate), view.free_residual, view.free_reserve, available, bill, n_products=len(context.products),
    )
    return ctp, rates


def promise_order(
    ctp: CapableToPromise,
    rates: dict[tuple[int, int], float],
    view: LedgerView,
    stock: StockCover,
    requested: date,
    earliest_day: date,
    *,
    use_reserve: bool,
) -> OrderPromise:
    """Promise every line: what stock covers ships from stock.ship_day, the rest is made on the lines and
    counts by a requested date no earlier than earliest_day (the frozen window)."""
    to_make = {i: q for i, q in enumerate(stock.to_make) if q > QUANTITY_TOLERANCE}
    # The rush alternative's dates are not part of an OrderPromise: not computed.
    quote = ctp.quote([QuoteLine(i, q) for i, q in to_make.items()], requested, use_reserve=use_reserve,
                      rush_alternative=False) if to_make else None
    answers = dict(zip(to_make, quote.lines, strict=True)) if quote is not None else {}
    lines = []
    for i, (quantity, from_stock) in enumerate(zip(stock.quantities, stock.from_stock, strict=True)):
        by_requested = from_stock if requested >= stock.ship_day else 0.0
        ready: date | None = stock.ship_day
        uses: list[Use] = []
        answer = answers.get(i)
        if answer is not None:
            used = answer.consumption
            # As Python lists: a loop over numpy scalars costs more than the promise's arithmetic.
            for li, wi, regular, reserve in zip(used.line_index.tolist(), used.week_index.tolist(),
                                                used.hours.tolist(), used.reserve_hours.tolist(), strict=True):
                rate = rates[(i, li)]
                for hours, from_reserve in ((regular, False), (reserve, True)):
                    if hours > 1e-9:
                        uses.append(Use(view.line_ids[li], view.weeks[wi], hours, hours * rate, from_reserve))
            made = None if answer.promise_date is None else max(answer.promise_date, earliest_day)
            ready = None if made is None else max(made, stock.ship_day) if from_stock > 0 else made
            by_requested += answer.quantity_by_requested if requested >= earliest_day else 0.0
        lines.append(LinePromise(i, quantity, by_requested, ready, uses, from_stock))
    shares = {(line_id, view.weeks[0]): float(view.open_share[li]) for li, line_id in enumerate(view.line_ids)}
    return OrderPromise(requested, use_reserve, lines, shares, view.claim, view.missing)


def split_parts(promise: OrderPromise, context: OrderContext, policy: CapacityPolicy) -> list[tuple[float, float]]:
    """(by the requested date, later) per order line: whole lots, no part below the policy's minimum split."""
    return [split_line(line.quantity, line.by_requested, context.products[line.index].lot_size,
                       policy.min_split(line.quantity))
            for line in promise.lines]


def takes_other_forecast(policy: CapacityPolicy, context: OrderContext, rush: bool) -> bool:
    """May this order take other skus' forecast hours on its lines when the free ones fall short (capacity policy
    firm_before_forecast: regular orders of the customer tiers it lists; rush orders have the reserve)?"""
    return not rush and context.customer.tier.value in policy.firm_before_forecast_tiers


async def order_claim(session: AsyncSession, context: OrderContext, requested: date, policy: CapacityPolicy,
                      open_from: date, *, other_skus: bool = False) -> ForecastClaim | None:
    """The forecast hours this order may consume (capacity policy forecast_consumption): its products' own, in whole
    weeks from open_from (the first day after the frozen window). other_skus: also any sku's on its lines beyond the
    free hours, in firm_before_forecast's window."""
    routes = {p.id: [line_id for line_id, _ in context.routes[p.id]] for p in context.products}
    claim = await forecast_claim(session, routes, requested, policy.forecast_match, policy.forecast_backward_weeks,
                                 policy.forecast_forward_weeks, open_from)
    if not other_skus:
        return claim
    return with_other_skus(claim, routes, requested, policy.firm_backward_weeks, policy.firm_forward_weeks,
                           open_from)
