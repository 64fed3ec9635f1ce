"""Bench: the weekly replan end to end (read the plant, solve, save the version, refresh the ledger).

Loads the demo plant of each size into a fresh PostgreSQL database, then runs the domain's replan
twice (the second is the DPP re-solve a week's roll would do) and, in the same run, the solver alone
on the same PlanningProblem: the ratio end-to-end / solver-only shows what the database side costs.
Prints one JSON line per size and a summary line last. Needs a PostgreSQL server
(SOP_TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test).

    python bench/replan.py [--sizes medium,large]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SOP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

from domain.db import session_scope, sync_engine
from domain.demo import load_demo
from domain.planning.snapshot import load_snapshot
from domain.planning.weekly import ReplanSettings, choose_solver, detail_for, horizon_start, replan
from rules import load_rulebook
from solver import CapacityPlanner
from tests.dbutil import fresh_database, migrate

TODAY = date(2026, 11, 24)
HORIZON = {"small": 13, "medium": 13, "large": 26}
TARGET_SECONDS = {"small": 2.0, "medium": 2.0, "large": 30.0}


def _timed_replan(engine: object, settings: ReplanSettings) -> dict[str, float]:
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    with session_scope(engine) as session:  # type: ignore[arg-type]
        outcome = replan(
            session, today=TODAY, settings=settings, actor="bench",
            progress=lambda step: marks.append((step, time.perf_counter())),
        )
        saved = time.perf_counter()
        status = outcome.plan.status
    total = time.perf_counter() - started
    read = marks[1][1] - marks[0][1]
    solve = marks[2][1] - marks[1][1]
    return {"total_s": total, "read_s": read, "solve_s": solve, "save_s": saved - marks[2][1],
            "commit_s": total - (saved - started), "status": status}  # type: ignore[dict-item]


def run(size: str) -> dict[str, object]:
    book = load_rulebook(Path(__file__).resolve().parent.parent / "rules")
    policy = book.capacity_policy()
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        migrate(url)
        engine = sync_engine(url)
        load_started = time.perf_counter()
        load_demo(engine, size, seed=7, today=TODAY)
        load_seconds = time.perf_counter() - load_started
        settings = ReplanSettings(
            horizon_weeks=HORIZON[size], reserve_share=policy.reserve_share, frozen_days=policy.frozen_days,
            rules_version=book.version,
        )
        first = _timed_replan(engine, settings)
        rolled = _timed_replan(engine, settings)
        with session_scope(engine) as session:
            detail = detail_for(session, settings)
            solver_name = choose_solver(session, settings)
            snapshot = load_snapshot(
                session, horizon_start(TODAY), settings.horizon_weeks, settings.tier, settings.reserve_share,
                change_window_weeks=settings.change_window_weeks, detail_weeks=detail,
            )
        started = time.perf_counter()
        baseline = CapacityPlanner(solver_name).solve(snapshot.problem)
        solver_only = time.perf_counter() - started
        engine.dispose()
    p, lines, routes, weeks = snapshot.problem.shape
    return {
        "bench": "replan", "size": size, "products": p, "lines": lines, "routes": routes, "weeks": weeks,
        "detail_weeks": detail, "solver": solver_name, "demo_load_s": round(load_seconds, 2),
        "first": {k: round(v, 3) if isinstance(v, float) else v for k, v in first.items()},
        "rolled": {k: round(v, 3) if isinstance(v, float) else v for k, v in rolled.items()},
        "solver_only_s": round(solver_only, 3), "solver_only_status": baseline.status,
        "ratio_end_to_end_vs_solver": round(rolled["total_s"] / solver_only, 2) if solver_only else None,
        "target_s": TARGET_SECONDS[size], "meets_target": rolled["total_s"] <= TARGET_SECONDS[size],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="medium,large")
    args = parser.parse_args()
    results = []
    for size in args.sizes.split(","):
        result = run(size.strip())
        print(json.dumps(result), flush=True)
        results.append(result)
    print(json.dumps({
        "bench": "replan-summary",
        "rolled_total_s": {r["size"]: r["rolled"]["total_s"] for r in results},  # type: ignore[index]
        "ratio_end_to_end_vs_solver": {r["size"]: r["ratio_end_to_end_vs_solver"] for r in results},
        "all_meet_target": all(r["meets_target"] for r in results),
    }))


if __name__ == "__main__":
    main()
