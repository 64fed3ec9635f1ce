"""Which formulation planned a result, and how far from the exact week-by-week LP it may be, in words."""

from __future__ import annotations

from solver.problem import PlanningProblem
from solver.result import Diagnostic, DiagnosticKind, PlanResult

# Bucketed horizons (detail weeks, bucket weeks) against the exact LP on the large bench plant, measured by
# `bench/solver.py --sizes large --exact` on 2026-12-03 (README, solver section; medium was milder: +281% and
# +0.73 points, +80% and +0.07): objective gap in % and late unit-weeks in percentage points of demand.
MEASURED_BUCKET_QUALITY: dict[tuple[int, int], tuple[float, float]] = {
    (4, 4): (322.4, 1.37),
    (6, 2): (91.0, 0.38),
}


def formulation_of(problem: PlanningProblem, solver: str) -> str:
    """exact (week by week, CVXPY), exact_direct (week by week, sparse matrices straight to HiGHS) or
    weekly+buckets (detail weeks, then buckets)."""
    if problem.detail_weeks is not None and problem.detail_weeks < len(problem.weeks):
        return "weekly+buckets"
    return "exact_direct" if solver.startswith("HIGHS_DIRECT") else "exact"


def formulation_note(problem: PlanningProblem, result: PlanResult, duality_gap: float | None) -> Diagnostic:
    """A 'formulation' diagnostic: the formulation that ran and its quality bound against the exact LP."""
    if result.formulation == "weekly+buckets":
        detail, bucket = int(problem.detail_weeks or 0), problem.bucket_weeks
        measured = MEASURED_BUCKET_QUALITY.get((detail, bucket))
        bound = (
            f"measured on the bench plants at +{measured[0]:.0f}% objective and +{measured[1]:.2f} points of demand "
            "late against the exact LP" if measured else "not measured for these bucket lengths"
        )
        return Diagnostic(
            DiagnosticKind.FORMULATION,
            f"Planned week by week for {detail} weeks, then in {bucket}-week buckets ({result.solver}); its quality is "
            f"{bound}",
        )
    how = "sparse matrices straight to HiGHS" if result.formulation == "exact_direct" else "CVXPY"
    gap = "the solver's optimality tolerance" if duality_gap is None else f"a relative duality gap of {duality_gap:.1e}"
    return Diagnostic(
        DiagnosticKind.FORMULATION,
        f"Planned by the exact week-by-week LP ({how}, {result.solver}): optimal within {gap} of the exact optimum",
    )
