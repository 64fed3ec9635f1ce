"""SOP_SOLVER=AUTO: which solver and horizon a plant is planned with, chosen from measured figures."""

from __future__ import annotations

# Route-weeks (allowed product-line pairs x horizon weeks) above which CVXPY's compiled model stops paying:
# the medium plants (11-13k) replan in 0.3-0.8 s through CVXPY and HiGHS, the large one (99k) needs minutes
# through CVXPY (44.7 s with interior point on a quiet machine) but solves its exact LP through HiGHS's own
# API with dual simplex in 23 s cold on this 2-core machine, and less from last week's basis (README, solver).
LARGE_ROUTE_WEEKS = 50_000


def auto_solver(route_weeks: int) -> str:
    """HIGHS (CVXPY, the compiled model reused week to week) for normal plants, HIGHS_DIRECT (the exact
    week-by-week LP straight to HiGHS, warm-started from last week's basis) for large ones."""
    return "HIGHS_DIRECT" if route_weeks > LARGE_ROUTE_WEEKS else "HIGHS"


def detail_weeks_for(solver: str, route_weeks: int, large_detail_weeks: int = 4) -> int | None:
    """Weeks planned week by week before buckets: all (None) unless a large plant is planned through CVXPY,
    where the exact LP takes minutes and the bucketed horizon (horizon.py) keeps it in seconds at a measured
    cost in quality (formulation.MEASURED_BUCKET_QUALITY)."""
    if route_weeks <= LARGE_ROUTE_WEEKS or solver.startswith("HIGHS_DIRECT"):
        return None
    return large_detail_weeks
