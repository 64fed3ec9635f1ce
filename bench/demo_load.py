"""Bench: load a demo plant (`--size`, default large) into fresh PostgreSQL and SQLite databases.

Prints one JSON line last: generation seconds, insert seconds and rows/s per backend, on PostgreSQL the
end-to-end seconds of `load_demo` (generation overlapped with COPY, then the booking of open orders) with the
CPU seconds it took in this process and in its PostgreSQL backend (read from /proc when the server runs on this
machine) against issue 15's 30 s target, and the wall-clock seconds of the
command a user types, `sop demo load --size large` (which also runs the first weekly replan and makes the
API keys) against issue 2's target of well under a minute, and the ratio of our rows/s against a
baseline measured in the same run on the same data (the orders table written by the driver alone:
psycopg COPY on PostgreSQL, sqlite3 executemany on SQLite).
Needs SOP_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) for the PostgreSQL part.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.db import sync_engine
from domain.demo import SIZES, DemoPlant, generate_plant, load_demo
from domain.demo.loader import insert_plant
from tests.dbutil import fresh_database, migrate

TODAY = date(2025, 6, 11)
TARGET_SECONDS = 60  # issue 2: "loading large ... takes well under a minute on PostgreSQL"
LOAD_TARGET_SECONDS = 30  # issue 15 item 5: load_demo of large on PostgreSQL
BASELINES = {"postgresql": "psycopg COPY of orders", "sqlite": "sqlite3 executemany of orders"}


def _orders(plant: DemoPlant) -> tuple[list[str], list[tuple[object, ...]]]:
    columns = list(plant.rows["orders"][0])
    return columns, [tuple(row[c] for c in columns) for row in plant.rows["orders"]]


def _load(url: str, plant: DemoPlant) -> float:
    migrate(url)
    engine = sync_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        insert_plant(conn, plant, progress=True)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu(pids: set[int]) -> float | None:
    """CPU seconds the PostgreSQL backends with these pids used so far; None when the server is not on this machine."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _end_to_end(url: str, size: str) -> dict[str, object]:
    """load_demo as `sop demo load` calls it: wall seconds, this process's CPU seconds and its backends' CPU."""
    migrate(url)
    engine = sync_engine(url)
    pids: set[int] = set()
    with engine.connect() as conn:
        pids.add(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    # The booking opens an async engine of its own; its backend's CPU is not counted (3.8 CPU s in the process).
    event.listen(engine, "connect", lambda dbapi, _: pids.add(dbapi.info.backend_pid))
    backend_before, started, cpu = _backend_cpu(pids), time.perf_counter(), _cpu()
    load_demo(engine, size, seed=7, today=TODAY, progress=True)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    backend_after = _backend_cpu(pids)
    engine.dispose()
    backend = None if backend_before is None or backend_after is None else backend_after - backend_before
    return {"end_to_end_seconds": round(seconds, 2), "end_to_end_cpu_seconds": round(cpu, 2),
            "end_to_end_postgres_cpu_seconds": None if backend is None else round(backend, 2),
            "load_target_seconds": LOAD_TARGET_SECONDS, "load_ratio_vs_target": round(seconds / LOAD_TARGET_SECONDS, 3)}


def _command(url: str, size: str) -> float:
    """Wall-clock seconds of `sop demo load --size SIZE` in a process of its own, as a user runs it."""
    migrate(url)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from cli import main; main()", "demo", "load", "--size", size],
                   env={**os.environ, "SOP_DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _baseline_postgres(url: str, plant: DemoPlant) -> float:
    migrate(url)
    columns, rows = _orders(plant)
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("ALTER TABLE orders DROP CONSTRAINT fk_orders_customer_id_customers")
        started = time.perf_counter()
        with cur.copy(f"COPY orders ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def _baseline_sqlite(path: str, plant: DemoPlant) -> float:
    migrate(f"sqlite:///{path}")
    columns, rows = _orders(plant)
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    conn.executemany(f"INSERT INTO orders ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def main(size: str, only_end_to_end: bool) -> None:
    if only_end_to_end:  # the issue-15 figure alone, e.g. to compare two checkouts in turn
        with fresh_database("postgresql", Path(tempfile.mkdtemp(prefix="sop-bench-"))) as url:
            start_load = [round(x, 2) for x in os.getloadavg()]
            print(json.dumps({"bench": "demo_load", "size": size, "loadavg_at_start": start_load,
                              "postgresql": _end_to_end(url, size),
                              "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]}))
        return
    started = time.perf_counter()
    plant = generate_plant(SIZES[size], seed=7, today=TODAY)
    result: dict[str, object] = {
        "bench": "demo_load", "size": size, "rows": plant.total_rows, "orders": plant.count("orders"),
        "generate_seconds": round(time.perf_counter() - started, 2), "note": "2 shared cores; numbers are noisy",
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}
    tmp = Path(tempfile.mkdtemp(prefix="sop-bench-"))
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("SOP_TEST_POSTGRES_URL") else [])
    for backend in backends:
        with fresh_database(backend, tmp) as url:
            seconds = _load(url, plant)
        with fresh_database(backend, tmp) as url:
            if backend == "postgresql":
                baseline = _baseline_postgres(make_url(url).render_as_string(hide_password=False), plant)
            else:
                baseline = _baseline_sqlite(str(make_url(url).database), plant)
        rate, base_rate = plant.total_rows / seconds, plant.count("orders") / baseline
        result[backend] = {"insert_seconds": round(seconds, 2), "rows_per_s": round(rate),
                           "baseline": BASELINES[backend],
                           "baseline_rows_per_s": round(base_rate), "ratio_vs_baseline": round(rate / base_rate, 3)}
        if backend == "postgresql":
            with fresh_database(backend, tmp) as url:
                result[backend].update(_end_to_end(url, size))  # type: ignore[attr-defined]
            with fresh_database(backend, tmp) as url:
                command = _command(make_url(url).render_as_string(hide_password=False), size)
            result[backend].update({  # type: ignore[attr-defined]
                "sop_demo_load_seconds": round(command, 2), "target_seconds": TARGET_SECONDS,
                "ratio_vs_target": round(command / TARGET_SECONDS, 3)})
    result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="large")
    parser.add_argument("--end-to-end-only", action="store_true",
                        help="Only load_demo on PostgreSQL (wall and CPU seconds), for side-by-side runs.")
    options = parser.parse_args()
    main(options.size, options.end_to_end_only)
