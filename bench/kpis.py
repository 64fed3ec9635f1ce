"""Time a quarter's full KPI report over the medium and large demo plants on SQLite and PostgreSQL.

Full report = every KPI, both scorecards, the forecast accuracy report, the rush cost allocation and
the rush review. Prints one JSON line per backend and size, then a summary line last: seconds per
backend and size, and the growth medium -> large against the growth in orders (target: at most
linear, and <= 1 s each). The machine is shared: figures are noisy, the best of several runs is kept
(with the median and the load average beside it).
Set SOP_BENCH_POSTGRES_URL (or SOP_TEST_POSTGRES_URL) to include PostgreSQL.
`--database SIZE=URL` (repeatable) measures databases already holding that demo plant (loaded with
today=2026-01-05) instead of loading fresh ones, e.g. to iterate on the queries without reloading `large`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import DEFAULT_RULES_DIR, load_settings
from domain.db import sync_engine
from domain.demo import load_demo
from domain.kpis import (
    AdjustmentRates,
    Period,
    cost_allocation_report,
    forecast_accuracy_report,
    kpi_report,
    rush_review,
    scorecards,
)
from domain.migrate import upgrade_database
from domain.models import Order
from rules import load_rulebook

TODAY = date(2026, 1, 5)
QUARTER = Period(date(2025, 10, 1), date(2026, 1, 1))
SIZES = ("medium", "large")
RUNS = 5


def full_report(session: Session) -> None:
    book = load_rulebook(DEFAULT_RULES_DIR)
    report = kpi_report(session, QUARTER)
    scorecards(report, book.scorecards())
    forecast_accuracy_report(session, QUARTER)
    cost_allocation_report(session, QUARTER, book, AdjustmentRates.from_settings(load_settings()))
    rush_review(session, QUARTER)


def measure(url: str, size: str, load: bool = True) -> dict[str, object]:
    upgrade_database(url)
    engine = sync_engine(url)
    try:
        if load:
            load_demo(engine, size, today=TODAY)
        # Statistics as a running service has them; on PostgreSQL also VACUUM, as autovacuum does after a
        # bulk load: it sets the visibility map that index-only scans rely on.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
        timings = []
        with Session(engine) as session:
            orders = session.scalar(select(func.count()).select_from(Order))
            full_report(session)  # warm the caches once, as a running service would be
            for _ in range(RUNS):
                started = time.perf_counter()
                full_report(session)
                timings.append(time.perf_counter() - started)
                session.rollback()
    finally:
        engine.dispose()
    return {"backend": make_url(url).get_backend_name(), "size": size, "orders": orders,
            "seconds": round(min(timings), 4), "median_seconds": round(statistics.median(timings), 4),
            "loadavg": [round(x, 2) for x in os.getloadavg()]}


def postgres_databases() -> list[tuple[str, object]]:
    server = os.environ.get("SOP_BENCH_POSTGRES_URL") or os.environ.get("SOP_TEST_POSTGRES_URL")
    return [] if not server else [(server, None)]


def run_postgres(server: str, size: str) -> dict[str, object]:
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"sop_bench_kpis_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False).replace("+psycopg", "")
        return measure(url, size)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def given_databases(specs: list[str]) -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    for spec in specs:
        size, _, url = spec.partition("=")
        if size not in SIZES or not url:
            raise SystemExit(f"--database {spec!r}: expected SIZE=URL with SIZE one of {', '.join(SIZES)}")
        result = measure(url, size, load=False)
        print(json.dumps(result), flush=True)
        results.append(result)
    return results


def fresh_databases() -> list[dict[str, object]]:
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            result = measure(f"sqlite:///{tmp}/kpis-{size}.db", size)
            print(json.dumps(result), flush=True)
            results.append(result)
    for server, _ in postgres_databases():
        for size in SIZES:
            result = run_postgres(server, size)
            print(json.dumps(result), flush=True)
            results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database", action="append", default=[], metavar="SIZE=URL",
                        help="measure this already loaded demo database instead of loading fresh ones")
    args = parser.parse_args()
    results = given_databases(args.database) if args.database else fresh_databases()
    summary: dict[str, object] = {"bench": "kpis", "quarter": [QUARTER.start.isoformat(), QUARTER.end.isoformat()],
                                  "target_seconds": 1.0}
    ok = True
    for backend in sorted({str(r["backend"]) for r in results}):
        by_size = {r["size"]: r for r in results if r["backend"] == backend}
        if set(by_size) != set(SIZES):
            summary[backend] = {f"{size}_seconds": r["seconds"] for size, r in by_size.items()}
            ok = ok and all(float(r["seconds"]) <= 1.0 for r in by_size.values())  # type: ignore[arg-type]
            continue
        medium, large = by_size["medium"], by_size["large"]
        growth = float(large["seconds"]) / float(medium["seconds"])  # type: ignore[arg-type]
        rows = int(large["orders"]) / int(medium["orders"])  # type: ignore[call-overload]
        summary[backend] = {"medium_seconds": medium["seconds"], "large_seconds": large["seconds"],
                            "growth": round(growth, 2), "orders_ratio": round(rows, 2)}
        ok = ok and float(large["seconds"]) <= 1.0 and growth <= rows  # type: ignore[arg-type]
    summary["meets_target"] = ok
    summary["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
