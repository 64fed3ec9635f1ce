"""Capable-to-promise: earliest dates and split quantities from the residual hours of the plan in force."""

from __future__ import annotations

import bisect
import datetime
import math

import numpy as np

from solver.errors import PlanningInputError
from solver.problem import PlanningProblem
from solver.promise_types import Consumption, LinePromise, Quote, QuoteLine
from solver.result import PlanResult

EPS = 1e-9


class CapableToPromise:
    """Residual hours per line-week after the plan, the reserve and earlier promises, answered in numpy.

    Orders are allocated week by week from the first open week, spread over the product's lines in
    proportion to their free hours; materials (optional) bound the cumulative quantity by each week.
    Unused overtime allowance is not offered: promises stay inside plannable hours (and the reserve
    for rush orders).
    """

    def __init__(
        self,
        weeks: list[datetime.date],
        lines: list[str],
        route_product: np.ndarray,
        route_line: np.ndarray,
        route_rate: np.ndarray,
        residual_hours: np.ndarray,
        reserve_hours: np.ndarray,
        material_available: np.ndarray | None = None,
        bom: np.ndarray | None = None,
        working_days: int = 5,
        n_products: int | None = None,
    ) -> None:
        """material_available: [M, W] cumulative units available by the end of each week;
        bom: [P, M] material units per product unit (both or neither)."""
        if (material_available is None) != (bom is None):
            raise PlanningInputError("material_available and bom go together: give both or neither")
        self.weeks, self.lines, self.working_days = list(weeks), list(lines), working_days
        self.residual = np.maximum(np.array(residual_hours, float), 0.0)
        self.reserve_left = np.maximum(np.array(reserve_hours, float), 0.0)
        if self.residual.shape != (len(lines), len(weeks)) or self.reserve_left.shape != self.residual.shape:
            raise PlanningInputError(
                f"residual_hours and reserve_hours must have shape {(len(lines), len(weeks))}, "
                f"got {self.residual.shape} and {self.reserve_left.shape}"
            )
        route_product = np.asarray(route_product, np.int64)
        order = np.argsort(route_product, kind="stable")
        self._route_line = np.asarray(route_line, np.int64)[order]
        self._route_rate = np.asarray(route_rate, float)[order]
        known = max(int(route_product.max()) + 1 if len(route_product) else 0, n_products or 0)
        if bom is not None:
            known = max(known, len(bom))

        self._first = np.searchsorted(route_product[order], np.arange(known + 1))
        self.material = None if material_available is None else np.array(material_available, float)
        self.bom = None if bom is None else np.asarray(bom, float)

    def week_index(self, requested: int | datetime.date) -> int:
        """The plan week holding a date (weeks before the horizon map to 0, after it to the last)."""
        if isinstance(requested, datetime.date):
            return min(max(bisect.bisect_right(self.weeks, requested) - 1, 0), len(self.weeks) - 1)
        if not 0 <= requested < len(self.weeks):
            raise PlanningInputError(f"requested week index {requested} is outside the {len(self.weeks)}-week plan")
        return int(requested)

    def quote(self, lines: list[QuoteLine], requested: int | datetime.date, use_reserve: bool = False,
              rush_alternative: bool = True) -> Quote:
        """Promise every line in turn (later lines see what earlier ones took); nothing is reserved.

        rush_alternative=False skips the second pass that dates the rush alternative (half the work) for callers
        that never read it: rush_promise_date is then None and rush_fits_by_requested False."""
        week = self.week_index(requested)
        promises = self._promise_all(lines, week, use_reserve)
        rush = promises if use_reserve else self._promise_all(lines, week, True) if rush_alternative else []
        return Quote(
            requested_week_index=week,
            use_reserve=use_reserve,
            lines=promises,
            promise_date=latest_date(promises),
            fits_by_requested=all(p.limited_by == "" for p in promises),
            consumption=Consumption.combine([p.consumption for p in promises]),
            rush_promise_date=latest_date(rush),
            rush_fits_by_requested=(use_reserve or rush_alternative) and all(p.limited_by == "" for p in rush),
        )

    def reserve(self, consumption: Consumption) -> None:
        """Take a promise's hours (after the order is accepted); fails if they are no longer free."""
        residual, reserve = self.residual.copy(), self.reserve_left.copy()
        np.subtract.at(residual, (consumption.line_index, consumption.week_index), consumption.hours)
        np.subtract.at(reserve, (consumption.line_index, consumption.week_index), consumption.reserve_hours)
        if residual.min() < -1e-6 or reserve.min() < -1e-6:
            raise PlanningInputError("the promised hours are no longer free on some line-week: quote again")
        material = self.material
        if material is not None and consumption.material is not None:
            material = material - np.cumsum(consumption.material, axis=1)
            if material.min() < -1e-6:
                raise PlanningInputError("the promised material is no longer available: quote again")
        self.residual, self.reserve_left, self.material = np.maximum(residual, 0), np.maximum(reserve, 0), material

    def release(self, consumption: Consumption) -> None:
        """Give a promise's hours back (order cancelled or reduced)."""
        np.add.at(self.residual, (consumption.line_index, consumption.week_index), consumption.hours)
        np.add.at(self.reserve_left, (consumption.line_index, consumption.week_index), consumption.reserve_hours)
        if self.material is not None and consumption.material is not None:
            self.material = self.material + np.cumsum(consumption.material, axis=1)

    def _promise_all(self, lines: list[QuoteLine], week: int, use_reserve: bool) -> list[LinePromise]:
        residual, reserve = self.residual.copy(), self.reserve_left.copy()
        material = None if self.material is None else self.material.copy()
        promises = []
        for line in lines:
            promise = self._promise(line, week, use_reserve, residual, reserve, material)
            used = promise.consumption
            np.subtract.at(residual, (used.line_index, used.week_index), used.hours)
            np.subtract.at(reserve, (used.line_index, used.week_index), used.reserve_hours)
            if material is not None and used.material is not None:
                material -= np.cumsum(used.material, axis=1)
            promises.append(promise)
        return promises

    def _promise(
        self,
        line: QuoteLine,
        week: int,
        use_reserve: bool,
        residual: np.ndarray,
        reserve: np.ndarray,
        material: np.ndarray | None,
    ) -> LinePromise:
        product, quantity = int(line.product_index), float(line.quantity)
        if quantity <= 0 or not 0 <= product < len(self._first) - 1:
            raise PlanningInputError(f"quote line {line}: quantity must be positive and the product known")
        span = slice(self._first[product], self._first[product + 1])
        route_line, rate = self._route_line[span], self._route_rate[span]
        free = residual[route_line] + (reserve[route_line] if use_reserve else 0.0)  # [k, W] hours
        capacity = rate @ free  # [W] units per week
        cumulative = self._cumulative(capacity, product, material)
        made = np.minimum(cumulative, quantity)
        by_week = made.copy()  # [W] units allocated per week (np.diff with prepend, without its overhead)
        by_week[1:] -= made[:-1]
        share = np.divide(by_week, capacity, out=np.zeros_like(capacity), where=capacity > EPS)
        hours = free * np.clip(share, 0.0, 1.0)  # [k, W]
        # Residual hours first; only a rush quote may reach into the reserve (and round-off may not).
        from_residual = np.minimum(hours, residual[route_line]) if use_reserve else hours
        ready = np.flatnonzero(cumulative >= quantity * (1 - 1e-12))
        ready_week = int(ready[0]) if len(ready) else None
        mask = hours > EPS
        rows, weeks = np.nonzero(mask)  # row-major, as boolean indexing orders them
        consumption = Consumption(
            route_line[rows],
            weeks,
            from_residual[mask],
            (hours - from_residual)[mask],
            None if self.bom is None else np.outer(self.bom[product], by_week),
        )
        by_requested = float(min(cumulative[week], quantity))
        limit = ""
        if ready_week is None or ready_week > week:
            limit = "no_route" if len(rate) == 0 else self._limit(capacity, cumulative, week)
        return LinePromise(
            product, quantity, ready_week, self._date(ready_week, share), by_requested, consumption, limit
        )

    def _cumulative(self, capacity: np.ndarray, product: int, material: np.ndarray | None) -> np.ndarray:
        """[W] most units of the product that can be ready by the end of each week."""
        if material is None or self.bom is None or not self.bom[product].any():
            return np.cumsum(capacity)
        needs = self.bom[product] > 0
        # Material drawn by week t is gone for every later week: bound by the later minimum.
        later_min = np.minimum.accumulate(material[needs][:, ::-1], axis=1)[:, ::-1]
        bound = np.maximum((later_min / self.bom[product][needs][:, None]).min(axis=0), 0.0)
        cumulative, total = np.empty_like(capacity), 0.0
        for t in range(len(capacity)):  # W steps: min(previous + this week's capacity, material bound)
            total = min(total + capacity[t], bound[t])
            cumulative[t] = total
        return cumulative

    def _limit(self, capacity: np.ndarray, cumulative: np.ndarray, week: int) -> str:
        return "capacity" if cumulative[week] >= np.cumsum(capacity)[week] - EPS else "material"

    def _date(self, week: int | None, share: np.ndarray) -> datetime.date | None:
        """A day in the ready week, in proportion to how much of that week's free capacity is used."""
        if week is None:
            return None
        day = max(0, math.ceil(float(share[week]) * self.working_days) - 1)
        return self.weeks[week] + datetime.timedelta(days=day)


def latest_date(promises: list[LinePromise]) -> datetime.date | None:
    dates = [p.promise_date for p in promises]
    return None if any(d is None for d in dates) or not dates else max(d for d in dates if d is not None)


def promise_from_plan(
    problem: PlanningProblem,
    result: PlanResult,
    promised_hours: np.ndarray | None = None,
    first_week_open_share: float = 1.0,
    material_available: np.ndarray | None = None,
    bom: np.ndarray | None = None,
) -> CapableToPromise:
    """CTP on a plan: plannable hours less planned hours less hours promised since the plan was made.

    first_week_open_share: share of the first week still open to new orders (R14: the first days
    of each week are frozen, e.g. 4/7), applied to its residual and reserve alike.
    """
    residual = np.maximum(problem.effective_capacity - result.loads.planned_hours, 0.0)
    reserve = problem.reserve_hours.copy()
    if promised_hours is not None:
        residual = residual - np.asarray(promised_hours, float)
    residual[:, 0] *= first_week_open_share
    reserve[:, 0] *= first_week_open_share
    return CapableToPromise(
        problem.weeks,
        problem.lines,
        problem.route_product,
        problem.route_line,
        problem.route_rate,
        residual,
        reserve,
        material_available,
        bom,
        n_products=len(problem.products),
    )
