"""Capable-to-promise for one order on the ledger: dates per line, what fits by the requested date, hours used."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from domain.models import CapacityReservation
from domain.orders.context import OrderContext
from domain.orders.ledger import LedgerView
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
    uses: list[Use]


@dataclass(frozen=True)
class OrderPromise:
    requested: date
    use_reserve: bool
    lines: list[LinePromise]
    # (line id, week) -> share of the running week still open; reserving checks against the same room.
    open_shares: dict[tuple[int, date], float] = field(default_factory=dict)

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
    """A CTP whose 'products' are the order's lines, on the free hours of the lines that make them."""
    index = view.line_index()
    route_product, route_line, route_rate = [], [], []
    rates: dict[tuple[int, int], float] = {}
    for pi, product in enumerate(context.products):
        for line_id, rate in context.routes[product.id]:
            route_product.append(pi)
            route_line.append(index[line_id])
            route_rate.append(rate)
            rates[(pi, index[line_id])] = rate
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
    quantities: list[float],
    requested: date,
    earliest_day: date,
    *,
    use_reserve: bool,
) -> OrderPromise:
    """Promise every line; nothing counts by a requested date before earliest_day (the frozen window)."""
    quote = ctp.quote([QuoteLine(i, q) for i, q in enumerate(quantities)], requested, use_reserve=use_reserve)
    lines = []
    for i, answer in enumerate(quote.lines):
        used = answer.consumption
        uses: list[Use] = []
        for li, wi, regular, reserve in zip(used.line_index, used.week_index, used.hours, used.reserve_hours,
                                            strict=True):
            rate = rates[(i, int(li))]
            for hours, from_reserve in ((float(regular), False), (float(reserve), True)):
                if hours > 1e-9:
                    uses.append(Use(view.line_ids[int(li)], view.weeks[int(wi)], hours, hours * rate, from_reserve))
        ready = None if answer.promise_date is None else max(answer.promise_date, earliest_day)
        by_requested = answer.quantity_by_requested if requested >= earliest_day else 0.0
        lines.append(LinePromise(i, answer.quantity, by_requested, ready, uses))
    shares = {(line_id, view.weeks[0]): float(view.open_share[li]) for li, line_id in enumerate(view.line_ids)}
    return OrderPromise(requested, use_reserve, lines, shares)


def split_parts(promise: OrderPromise, context: OrderContext, policy: CapacityPolicy) -> list[tuple[float, float]]:
    """(by the requested date, later) per order line: whole lots, no part below the policy's minimum split."""
    return [split_line(line.quantity, line.by_requested, context.products[line.index].lot_size,
                       policy.min_split(line.quantity))
            for line in promise.lines]
