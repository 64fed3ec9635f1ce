"""The planning problem: plain arrays describing the plant, its demand and the plan in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np

from solver.errors import PlanningInputError

FloatArray = np.ndarray


@dataclass(frozen=True)
class PlanningProblem:
    """One weekly replan. Shapes: P products, L lines, R allowed (product, line) routes, W weeks.

    Production is planned per route and week. Effective capacity of a line-week is
    ``capacity_hours * (1 - reserve_share)``: the reserve is kept for rush orders and never planned.
    Materials are not modelled here: key materials are checked by capable-to-promise and the review.
    """

    weeks: list[datetime.date]
    products: list[str]
    lines: list[str]
    route_product: np.ndarray  # [R] product index of each allowed pair
    route_line: np.ndarray  # [R] line index of each allowed pair
    route_rate: np.ndarray  # [R] units per hour
    capacity_hours: FloatArray  # [L, W] calendar hours after incidents
    overtime_max_hours: FloatArray  # [L, W]
    demand: FloatArray  # [P, W] firm orders + forecast net of orders
    initial_inventory: FloatArray  # [P]
    initial_backlog: FloatArray  # [P]
    safety_stock: FloatArray  # [P]
    holding_cost: FloatArray  # [P] per unit and week
    backlog_weight: FloatArray  # [P, W] priority-weighted cost per unit late and week
    reserve_share: float = 0.12
    overtime_cost: float = 1.0  # per overtime hour
    safety_shortfall_cost: float = 0.5  # per unit below safety stock and week
    plan_in_force: FloatArray | None = None  # [R, W] units, 0 where the plan in force has none
    plan_in_force_weeks: int | None = None  # leading weeks the plan in force covers (None: all)
    frozen_weeks: int = 1  # leading weeks fixed to the plan in force (ignored without one)
    change_penalty: float = 0.05  # per unit moved against the plan in force
    change_window_weeks: int | None = None  # weeks after the frozen ones with a change penalty
    families: list[str] | None = None  # family of each product (a label for reports)
    detail_weeks: int | None = None  # weeks planned week by week; later weeks in buckets (None: all)
    bucket_weeks: int = 4  # length of the buckets after the detail weeks
    # [L] most hours the first week can still hold: work kept on its past and frozen days plus what
    # its open days can make with overtime (a replan mid-week). None: the whole week is open.
    first_week_hours: FloatArray | None = None
    # [R, W] hours that promised orders hold on each route-week (the capacity ledger's reservations): the plan
    # makes at least these, and falling short of one costs promise_break_cost an hour. None: no promise.
    committed_hours: FloatArray | None = None
    # [L, W] rush-reserve hours that rush orders already hold: plannable, since those orders are made.
    reserve_used_hours: FloatArray | None = None
    promise_break_cost: float = 0.0
    period_weeks: np.ndarray | None = None  # [W] weeks each period spans (set by horizon.coarsen)
    lot_size: FloatArray | None = None  # [P] units a product is made in (plan items, daily tasks); None: 1 each
    extra: dict[str, object] = field(default_factory=dict)  # free labels for the caller

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """(P, L, R, W)."""
        return len(self.products), len(self.lines), len(self.route_product), len(self.weeks)

    @property
    def route_lot(self) -> FloatArray:
        """[R] units each route makes in: its product's lot size, 1 where it has none."""
        lots = np.ones(len(self.products)) if self.lot_size is None else np.asarray(self.lot_size, float)
        return np.where(lots > 0, lots, 1.0)[np.asarray(self.route_product, np.int64)]

    @property
    def effective_capacity(self) -> FloatArray:
        """[L, W] plannable hours: calendar capacity less the rush reserve rush orders do not hold yet."""
        capacity = np.asarray(self.capacity_hours, float)
        plannable = capacity * (1.0 - self.reserve_share)
        if self.reserve_used_hours is not None:
            used = np.asarray(self.reserve_used_hours, float)
            plannable = plannable + np.minimum(used, capacity * self.reserve_share)
        return plannable

    @property
    def reserve_hours(self) -> FloatArray:
        """[L, W] hours kept for rush orders."""
        return np.asarray(self.capacity_hours, float) * self.reserve_share

    @property
    def week_limit(self) -> FloatArray:
        """[L, W] most hours a line-week may be planned: plannable hours plus overtime, the first week
        cut to what it can still hold."""
        limit = self.effective_capacity + np.asarray(self.overtime_max_hours, float)
        if self.first_week_hours is not None:
            limit[:, 0] = np.minimum(limit[:, 0], np.asarray(self.first_week_hours, float))
        return limit

    @property
    def frozen(self) -> int:
        """Weeks actually frozen: none without a plan in force."""
        return 0 if self.plan_in_force is None else min(self.frozen_weeks, len(self.weeks))

    @property
    def change_window(self) -> int:
        """Weeks after the frozen ones whose changes against the plan in force are penalised."""
        if self.plan_in_force is None:
            return 0
        rest = len(self.weeks) - self.frozen
        return rest if self.change_window_weeks is None else min(self.change_window_weeks, rest)

    @property
    def period_lengths(self) -> np.ndarray:
        """[W] weeks each period spans (all ones for a week-by-week problem)."""
        if self.period_weeks is None:
            return np.ones(len(self.weeks))
        return np.asarray(self.period_weeks, float)

    def validate(self) -> None:
        """Raise PlanningInputError naming the first input with a wrong shape or value."""
        n_products, n_lines, n_routes, n_weeks = self.shape
        expected = {
            "route_line": (n_routes,),
            "route_rate": (n_routes,),
            "capacity_hours": (n_lines, n_weeks),
            "overtime_max_hours": (n_lines, n_weeks),
            "demand": (n_products, n_weeks),
            "initial_inventory": (n_products,),
            "initial_backlog": (n_products,),
            "safety_stock": (n_products,),
            "holding_cost": (n_products,),
            "backlog_weight": (n_products, n_weeks),
        }
        if self.plan_in_force is not None:
            expected["plan_in_force"] = (n_routes, n_weeks)
        if self.first_week_hours is not None:
            expected["first_week_hours"] = (n_lines,)
        if self.committed_hours is not None:
            expected["committed_hours"] = (n_routes, n_weeks)
        if self.reserve_used_hours is not None:
            expected["reserve_used_hours"] = (n_lines, n_weeks)
        for name, shape in expected.items():
            value = np.asarray(getattr(self, name))
            if value.shape != shape:
                raise PlanningInputError(f"{name} has shape {value.shape}, expected {shape}")
            if not np.all(np.isfinite(value)):
                raise PlanningInputError(f"{name} holds a NaN or infinite value")
            if name != "plan_in_force" and np.any(value < 0):
                where = np.argwhere(value < 0)[0].tolist()
                raise PlanningInputError(f"{name} is negative at index {where}")
        if n_weeks == 0 or n_products == 0 or n_lines == 0:
            raise PlanningInputError("the plan needs at least one week, one product and one line")
        self._validate_routes(n_products, n_lines)
        if np.any(np.asarray(self.backlog_weight) <= 0):
            where = np.argwhere(np.asarray(self.backlog_weight) <= 0)[0].tolist()
            raise PlanningInputError(f"backlog_weight must be positive; it is not at {where}")
        if not 0.0 <= self.reserve_share < 1.0:
            raise PlanningInputError(f"reserve_share {self.reserve_share} must be in [0, 1)")
        for name in ("overtime_cost", "safety_shortfall_cost", "change_penalty", "promise_break_cost"):
            if getattr(self, name) < 0:
                raise PlanningInputError(f"{name} must not be negative")
        if (self.detail_weeks is not None and self.detail_weeks < 1) or self.bucket_weeks < 1:
            raise PlanningInputError("detail_weeks and bucket_weeks must be at least 1")
        if self.families is not None and len(self.families) != n_products:
            raise PlanningInputError(f"families has {len(self.families)} entries for {n_products} products")

    def _validate_routes(self, n_products: int, n_lines: int) -> None:
        product, line = np.asarray(self.route_product), np.asarray(self.route_line)
        if len(product) and (product.min() < 0 or product.max() >= n_products):
            raise PlanningInputError("route_product holds an index outside the product list")
        if len(line) and (line.min() < 0 or line.max() >= n_lines):
            raise PlanningInputError("route_line holds an index outside the line list")
        if np.any(np.asarray(self.route_rate) <= 0):
            bad = int(np.argwhere(np.asarray(self.route_rate) <= 0)[0][0])
            raise PlanningInputError(
                f"route {bad} ({self.products[product[bad]]} on {self.lines[line[bad]]}) has a rate <= 0"
            )
        pairs = product.astype(np.int64) * n_lines + line
        if len(np.unique(pairs)) != len(pairs):
            raise PlanningInputError("a (product, line) pair appears twice in the routes")
