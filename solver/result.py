"""What a plan solve gives back: the plan, line loads and diagnostics in words."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Diagnostic:
    """A finding a planner can read: kind is bottleneck, late_demand, safety_stock, frozen_conflict,
    no_route, solver or formulation; line/week/product are indices (None when not about one)."""

    kind: str
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

    status: str  # optimal | optimal_inaccurate | degraded | infeasible
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
