"""What a plan solve gives back: the plan, line loads and diagnostics in words."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np


class DiagnosticKind(enum.StrEnum):
    """What a plan diagnostic is about; the values are what plans.diagnostics stores."""

    BOTTLENECK = "bottleneck"  # a line-week full to capacity, with the objective gain of one more hour
    LATE_DEMAND = "late_demand"  # demand planned after its week, or not at all
    NO_ROUTE = "no_route"  # demand for a product no line can make
    SAFETY_STOCK = "safety_stock"  # planned stock below a product's safety stock
    FROZEN_CONFLICT = "frozen_conflict"  # the frozen weeks hold more than the lines now have
    DAILY_OVERFLOW = "daily_overflow"  # week one's quantity did not fit the line's days
    BROKEN_PROMISE = "broken_promise"  # promised hours that no longer fit: the orders holding them are at risk
    SOLVER = "solver"  # the solver failed; the plan was degraded to what fits
    FORMULATION = "formulation"  # which model was solved and how exact its answer is


class SolverStatus(enum.StrEnum):
    """How a plan's solve ended; the values are what plans.status stores."""

    OPTIMAL = "optimal"
    OPTIMAL_INACCURATE = "optimal_inaccurate"  # optimal within a looser tolerance than asked
    DEGRADED = "degraded"  # solved, but the frozen weeks conflicted with capacity
    INFEASIBLE_DEGRADED = "infeasible_degraded"  # not solved: the previous plan cut to what fits


@dataclass(frozen=True)
class Diagnostic:
    """A finding a planner can read; line/week/product are indices (None when not about one)."""

    kind: DiagnosticKind
    message: str
    line: int | None = None
    week: int | None = None
    product: int | None = None


@dataclass(frozen=True)
class LineLoad:
    """[L, W] arrays describing how full each line-week is."""

    planned_hours: np.ndarray  # production hours in the plan (regular + overtime)
    reserved_hours: np.ndarray  # rush reserve, never planned
    capacity_hours: np.ndarray  # calendar hours after incidents
    overtime_hours: np.ndarray
    shadow_price: np.ndarray  # objective gain per extra plannable hour (0 where slack)

    @property
    def utilisation(self) -> np.ndarray:
        """Planned hours over calendar hours (0 where a line is closed)."""
        cap = self.capacity_hours
        return np.divide(self.planned_hours, cap, out=np.zeros_like(cap), where=cap > 0)


@dataclass
class PlanResult:
    """A plan: production per route-week in units, and the stock, backlog and overtime it implies."""

    status: SolverStatus
    objective: float  # cost of the returned plan, recomputed from its arrays
    production: np.ndarray  # [R, W] units
    hours: np.ndarray  # [R, W] line hours
    inventory: np.ndarray  # [P, W] end-of-week stock
    backlog: np.ndarray  # [P, W] end-of-week late units
    overtime: np.ndarray  # [L, W] hours
    shortfall: np.ndarray  # [P, W] units below safety stock
    loads: LineLoad
    diagnostics: list[Diagnostic] = field(default_factory=list)
    solve_seconds: float = 0.0
    compile_seconds: float = 0.0
    solver: str = ""
    formulation: str = "exact"  # exact | exact_direct | weekly+buckets (formulation.py)
    cost_breakdown: dict[str, float] = field(default_factory=dict)
