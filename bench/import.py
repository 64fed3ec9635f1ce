"""Bench: `sop import` of --lines open order lines (default 100k) booked in one batch, against the one-by-one booking.

Generates a plant in the exchange format (bench/import_plant.py's generator: 200 products, 20 lines, 500 customers,
orders of 1-4 lines over 26 weeks), imports it into a fresh PostgreSQL database with the call `sop import` makes
(batch booking), then imports the first --baseline-lines of the same plant into another fresh database with the
one-by-one booking (book_open_orders, what the import used before) and extrapolates it per line. Reports wall
and CPU seconds (this process, and the PostgreSQL backends sampled from /proc: the machine is shared, so wall
seconds mostly measure the others). Prints one JSON line last. Target: 100k lines in under 60 s.
Needs SOP_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test); --sqlite runs on SQLite instead.
Usage: .venv/bin/python bench/import.py [--lines 100000] [--baseline-lines 2000] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import domain.plant_data.write_orders as write_orders
from bench.import_plant import TODAY, generate
from domain.config import DEFAULT_RULES_DIR
from domain.orders import book_open_orders
from domain.plant_data import import_plant
from rules import load_rulebook
from tests.dbutil import fresh_database, migrate

TARGET_SECONDS = 60.0
TICKS = os.sysconf("SC_CLK_TCK")


def _backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving database (their process title names it)."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if title.startswith("postgres:") and f" {database} " in title:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                found[int(pid)] = (int(fields[11]) + int(fields[12])) / TICKS
        except OSError:
            continue
    return found


@contextmanager
def measured(url: str) -> Iterator[dict[str, float]]:
    """Wall, this process's CPU and the backends' CPU (sampled every 0.2 s; a backend's last 0.2 s may be missed)."""
    database = url.rsplit("/", 1)[-1].split("?")[0]
    seen: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            seen.update(_backend_cpu(database))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    figures: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield figures
    finally:
        figures["seconds"] = round(time.perf_counter() - wall, 2)
        figures["cpu_seconds"] = round(time.process_time() - cpu, 2)
        done.set()
        sampler.join()
        figures["db_cpu_seconds"] = round(sum(seen.values()), 2)


async def one_by_one_booking(session: Any, today: Any, reserve_share: float, frozen_days: int, actor: str | None = None,
                             review: Any = None) -> Any:
    """book_open_orders in the batch's place (it reviews nothing: the comparison is of the booking alone)."""
    return await book_open_orders(session, today, reserve_share, frozen_days, actor)


def run(backend: str, folder: Path, one_by_one: bool) -> tuple[dict[str, float], Any]:
    with fresh_database(backend, folder) as url:
        migrate(url)
        if one_by_one:  # what sop import booked with before the batch
            original = write_orders.book_open_orders_in_batch
            write_orders.book_open_orders_in_batch = one_by_one_booking  # type: ignore[assignment]
        try:
            with measured(url) as figures:
                report = asyncio.run(import_plant(url, folder, TODAY, load_rulebook(DEFAULT_RULES_DIR)))
        finally:
            if one_by_one:
                write_orders.book_open_orders_in_batch = original  # type: ignore[assignment]
    return figures, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--baseline-lines", type=int, default=2_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    backend = "sqlite" if args.sqlite else "postgresql"
    if backend == "postgresql" and not os.environ.get("SOP_TEST_POSTGRES_URL"):
        raise SystemExit("set SOP_TEST_POSTGRES_URL (or pass --sqlite)")
    big, small = Path(tempfile.mkdtemp(prefix="sop-bench-import-")), Path(tempfile.mkdtemp(prefix="sop-bench-base-"))
    orders = generate(big, args.lines, random.Random(7))
    generate(small, args.baseline_lines, random.Random(7))  # the same generator and seed: the first orders of it
    batch, report = run(backend, big, one_by_one=False)
    base, _ = run(backend, small, one_by_one=True)
    scale = args.lines / args.baseline_lines
    baseline_seconds = base["seconds"] * scale
    print(json.dumps({
        "bench": "import", "backend": backend, "lines": args.lines, "orders": orders, **batch,
        "lines_per_s": round(args.lines / batch["seconds"], 1), "target_seconds": TARGET_SECONDS,
        "booked": report.booking.booked, "moved_later": len(report.booking.moved),
        "baseline": {"lines": args.baseline_lines, **base, "extrapolated_seconds": round(baseline_seconds, 1),
                     "extrapolated_cpu_seconds": round((base["cpu_seconds"] + base["db_cpu_seconds"]) * scale, 1)},
        "speedup_vs_one_by_one": round(baseline_seconds / batch["seconds"], 1),
        "cpu_speedup_vs_one_by_one": round((base["cpu_seconds"] + base["db_cpu_seconds"]) * scale
                                           / max(batch["cpu_seconds"] + batch["db_cpu_seconds"], 1e-9), 1),
        "load_average": os.getloadavg()[0], "note": "2 shared cores; wall seconds are noisy, CPU seconds less so"}))


if __name__ == "__main__":
    main()
