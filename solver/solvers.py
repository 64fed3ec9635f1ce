"""The LP solvers by name: CVXPY's options for each, HiGHS's banner kept off stdout, and what one run gave."""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass

import cvxpy as cp
import numpy as np

DEFAULT_SOLVER = "CLARABEL"
# HIGHS_DIRECT builds the exact LP as sparse matrices and hands it to HiGHS's dual simplex without CVXPY
# (direct.py); HIGHS_DIRECT_IPM the same with HiGHS's interior point. Both rebuild per solve (no DPP).
DIRECT = {"HIGHS_DIRECT": "simplex", "HIGHS_DIRECT_IPM": "ipm"}
SOLVERS = ("CLARABEL", "HIGHS", "HIGHS_IPM", *DIRECT)


@dataclass(frozen=True)
class Solved:
    """What one LP run gave: its status and, when solved, hours and capacity prices after the frozen weeks."""

    status: str
    free_hours: np.ndarray | None
    capacity_price: np.ndarray | None
    solve_seconds: float
    compile_seconds: float
    duality_gap: float | None = None  # relative, when the solver reports it


def solve_options(solver: str) -> tuple[str, dict[str, object]]:
    """CVXPY solver name and options for one of SOLVERS (the direct ones: HiGHS's method)."""
    if solver in DIRECT:
        _first_highs_without_banner()
        return "HIGHS", {"method": DIRECT[solver]}
    if solver == "CLARABEL":
        return cp.CLARABEL, {}
    if solver in ("HIGHS", "HIGHS_IPM"):
        _first_highs_without_banner()
    # CVXPY's default warm start made HiGHS LP re-solves about twice as slow (MEASUREMENTS.md). HiGHS gets the
    # options the direct model gives it (direct_model.HIGHS_OPTIONS); CVXPY alone would only silence the console.
    quiet = {"output_flag": False}
    if solver == "HIGHS":
        return cp.HIGHS, {"warm_start": False, "highs_options": {**quiet, "solver": "simplex"}}
    if solver == "HIGHS_IPM":
        return cp.HIGHS, {"warm_start": False, "highs_options": {**quiet, "solver": "ipm", "run_crossover": "off"}}
    raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")


@functools.cache
def _first_highs_without_banner() -> None:
    """Build the process's first HiGHS object with file descriptor 1 pointed at /dev/null.

    HiGHS 1.16 writes its licence banner to the C stdout when the first Highs object of a process
    is built, before any option (output_flag included) can be set, so `sop plan weekly` and
    `sop demo load` printed it among their own lines; later objects print nothing."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
