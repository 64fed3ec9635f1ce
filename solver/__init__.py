"""The capacity model: weekly plans, promise dates, daily tasks and diagnostics from plain arrays.

solver/ imports neither api/, domain/ nor the database. The domain builds the inputs and saves
the outputs. Public interface:

- ``PlanningProblem`` (problem.py): weeks, products, lines, sparse routes (product, line, units
  per hour), capacity [L, W] after incidents, reserve share, overtime limits and cost, holding
  cost, priority-weighted backlog weights, demand [P, W] (firm orders + forecast tier net of
  orders), stock, backlog, safety stock, the plan in force [R, W] and the frozen / change windows.
  ``.validate()`` raises ``PlanningInputError`` naming the bad input.
- ``CapacityPlanner(solver="CLARABEL" | "HIGHS" | "HIGHS_IPM").solve(problem) -> PlanResult``:
  compiles the CVXPY LP once per plant structure (sizes, routes and rates, window lengths) and
  re-solves with new data through DPP parameters. ``"HIGHS_DIRECT"`` (``"HIGHS_DIRECT_IPM"``) builds the
  same exact LP as sparse matrices and hands it to HiGHS's own API (direct.py), warm-started from the last
  replan's basis (warm.py): the large plant's way. ``choice.auto_solver`` is SOP_SOLVER=AUTO's pick; a
  ``formulation`` diagnostic names the formulation that ran and its quality bound (formulation.py).
  ``PlanResult`` carries production/hours [R, W],
  inventory/backlog/shortfall [P, W], overtime [L, W], ``loads`` (planned, reserved, capacity,
  utilisation, shadow price per line-week), ``diagnostics`` in words, a cost breakdown and timings.
- Frozen weeks are data, fixed to the plan in force. Where an incident leaves a frozen line-week
  too little capacity, the lowest-priority frozen work is dropped until the rest fits; the plan's
  status is then ``degraded`` and a ``frozen_conflict`` diagnostic names line, week and products.
  Materials are not in the LP: capable-to-promise and the order review check them.
- ``plan_family_aggregated`` (aggregate.py): the same plan, per product in the first
  ``detail_weeks`` and per family after (for large plants).
- ``scenarios(planner, problem, tiers) -> dict[str, PlanResult]``; ``elastic_capacity``.
- ``daily_tasks(result, problem, week_index, day_hours, frozen_days, crew_size, previous_tasks)``.
- ``CapableToPromise`` / ``promise_from_plan(problem, result, promised_hours, ...)``:
  ``.quote(lines, requested, use_reserve) -> Quote``, ``.reserve(consumption)``, ``.release(...)``.
"""

from solver.daily import DailyTask, daily_tasks
from solver.errors import PlanningInputError
from solver.planner import DEFAULT_SOLVER, SOLVERS, CapacityPlanner
from solver.problem import PlanningProblem
from solver.promise import CapableToPromise, promise_from_plan
from solver.promise_types import Consumption, LinePromise, Quote, QuoteLine
from solver.result import Diagnostic, LineLoad, PlanResult
from solver.scenarios import ElasticCapacity, elastic_capacity, scenarios

__all__ = [
    "DEFAULT_SOLVER",
    "SOLVERS",
    "CapableToPromise",
    "CapacityPlanner",
    "Consumption",
    "DailyTask",
    "Diagnostic",
    "ElasticCapacity",
    "LineLoad",
    "LinePromise",
    "PlanResult",
    "PlanningInputError",
    "PlanningProblem",
    "Quote",
    "QuoteLine",
    "daily_tasks",
    "elastic_capacity",
    "promise_from_plan",
    "scenarios",
]
