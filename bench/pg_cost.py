"""Bench: PostgreSQL's own CPU per createOrder, and how it splits by statement (pg_stat_statements).

Creates a fresh database on `--server`, loads the demo plant (`--size`, default medium), drives `--orders`
createOrder requests one after another through the ASGI app in this process (as bench/profile_create.py does),
and reads, around the timed part only: the CPU of the bench database's backends (/proc, as bench/api.py's
budget) and, when the server has pg_stat_statements loaded (shared_preload_libraries; the extension is made in
the server's `postgres` database if missing), each statement's calls, planning and execution time, rows and
buffer hits per create. The statement times are wall clock inside the backend (PostgreSQL has no CPU per
statement), but with one client at a time a backend waits for little besides its own work and the WAL flush at
COMMIT. `--perf FILE` records the bench database's backends with `perf record` (sampling, with call graphs from
DWARF unwinding) during the timed part only, for `perf report -i FILE --children`: where their CPU goes by function
(parse, plan, execute, commit).
Prints the top statements to stderr and one JSON line last.
Usage: .venv/bin/python bench/pg_cost.py [--size medium] [--orders 300] [--server postgresql://...:5433/test]
       [--perf FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.api import Workload, prepare
from bench.cpu_budget import postgres_cpu
from domain.config import Settings
from tests.dbutil import fresh_database

STATEMENTS = text("""
    SELECT s.query, s.calls, s.total_plan_time, s.total_exec_time, s.rows, s.shared_blks_hit + s.shared_blks_read,
           s.plans, s.wal_records
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
    WHERE d.datname = :database ORDER BY s.total_plan_time + s.total_exec_time DESC""")


def admin_url(server: str) -> str:
    return make_url(server).set(database="postgres").render_as_string(hide_password=False)


def statement_stats(server: str, database: str, reset: bool) -> list[tuple[Any, ...]] | None:
    """pg_stat_statements' rows for `database` (None if the server does not load it); reset first if asked."""
    engine = create_engine(admin_url(server).replace("postgresql://", "postgresql+psycopg://"),
                           isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            loaded = conn.scalar(text("SELECT 'pg_stat_statements' = ANY(string_to_array("
                                      "current_setting('shared_preload_libraries'), ','))"))
            if not loaded:
                return None
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
            if reset:
                conn.execute(text("SELECT pg_stat_statements_reset()"))
                return []
            return [tuple(row) for row in conn.execute(STATEMENTS, {"database": database})]
    finally:
        engine.dispose()


def last_statements(server: str, database: str) -> dict[int, str]:
    """Each backend of `database` and the last statement it ran (which connection it is: pool, LISTEN, NOTIFY)."""
    engine = create_engine(admin_url(server).replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return {pid: " ".join(query.split())[:80] for pid, query in conn.execute(
                text("SELECT pid, query FROM pg_stat_activity WHERE datname = :database"), {"database": database})}
    finally:
        engine.dispose()


def start_perf(out: Path | None, pids: list[int]) -> subprocess.Popen[bytes] | None:
    """`perf record` of these processes into `out` until stop_perf (None: no recording)."""
    if out is None:
        return None
    recorder = subprocess.Popen(["perf", "record", "-F", "999", "--call-graph", "dwarf,16384", "-o", str(out),
                                 "-p", ",".join(map(str, pids))],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # perf opens its events before the timed part starts
    return recorder


def stop_perf(recorder: subprocess.Popen[bytes] | None) -> None:
    if recorder is not None:
        recorder.send_signal(signal.SIGINT)
        recorder.wait(timeout=60)


async def drive(url: str, server: str, key: str, work: Workload, warm: int, orders: int,
                perf: Path | None = None) -> dict[str, Any]:
    database = str(make_url(url).database)
    app = create_app(Settings(database_url=url))
    statuses: dict[str, int] = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def one() -> None:
                await work.create_in_process(http, key, statuses)

            for _ in range(warm):
                await one()
            statuses.clear()
            statement_stats(server, database, reset=True)
            recorder = start_perf(perf, sorted(postgres_cpu(database)[0]))
            backends, shared = postgres_cpu(database)
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(orders):
                await one()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            backends_after, shared_after = postgres_cpu(database)
            stop_perf(recorder)
            rows = statement_stats(server, database, reset=False)
            last = last_statements(server, database)
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()
    backend_cpu = sum(backends_after.get(pid, 0.0) - before for pid, before in backends.items())
    backend_cpu += sum(after for pid, after in backends_after.items() if pid not in backends)
    result: dict[str, Any] = {
        "statuses": statuses,
        "postgres_backend_cpu_ms_per_create": round(1000 * backend_cpu / orders, 3),
        "postgres_shared_cpu_ms_per_create": round(1000 * (shared_after - shared) / orders, 3),
        "in_process_cpu_ms_per_create": round(1000 * cpu / orders, 3),
        "wall_ms_per_create": round(1000 * wall / orders, 3),
        "backends": [{"pid": pid, "cpu_ms_per_create": round(1000 * (cpu_after - backends.get(pid, 0.0)) / orders, 3),
                      "last_statement": last.get(pid, "")} for pid, cpu_after in sorted(backends_after.items())],
    }
    if rows is not None:
        per = [{"plan_ms": round(plan / orders, 4), "exec_ms": round(run / orders, 4),
                "calls": round(calls / orders, 2), "plans": round(plans / orders, 2), "rows": round(n / orders, 2),
                "blocks": round(blocks / orders, 1),
                "wal_records": round(wal / orders, 1), "query": " ".join(query.split())[:200]}
               for query, calls, plan, run, n, blocks, plans, wal in rows]
        result["statements_ms_per_create"] = {
            "plan": round(sum(p["plan_ms"] for p in per), 3), "exec": round(sum(p["exec_ms"] for p in per), 3),
            "calls": round(sum(p["calls"] for p in per), 2)}
        result["top_statements"] = per[:25]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--perf", type=Path, help="perf record the timed part into this file")
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        keys, customers, skus, _, _ = prepare(url, args.size)
        work = Workload(None, None, keys, customers, skus, None, None)  # type: ignore[arg-type]
        result = asyncio.run(drive(url, args.server, keys["planner"], work, args.warm, args.orders, args.perf))
    for row in result.get("top_statements", []):
        print(f"{row['plan_ms']:7.3f} {row['exec_ms']:7.3f} x{row['calls']:<5} plans {row['plans']:<4} "
              f"rows {row['rows']:<6} blk {row['blocks']:<7} wal {row['wal_records']:<5} {row['query'][:150]}",
              file=sys.stderr)
    print(json.dumps({"bench": "pg_cost", "size": args.size, "orders": args.orders, **result,
                      "loadavg_start": [round(x, 2) for x in load],
                      "loadavg_end": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
