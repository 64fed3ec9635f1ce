"""Bench: `sop import` of a generated plant with --order-lines open order lines (default 100k) into fresh PostgreSQL.

Writes the plant as the exchange format's CSV files (200 products, 20 lines, 500 customers, orders of 1-4 lines
requested over the next 26 weeks), creates and migrates a database of its own, imports with the same call
`sop import` makes, and reports the seconds of each step (read and check, masters, links, entering and booking
the orders). The database is dropped at the end. Prints one JSON line last. Target: 100k lines in under 60 s.
Needs SOP_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test); --sqlite runs on SQLite instead.
Usage: .venv/bin/python bench/import_plant.py [--order-lines 100000] [--sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import DEFAULT_RULES_DIR
from domain.plant_data import import_plant
from rules import load_rulebook
from tests.dbutil import fresh_database, migrate

TODAY = date(2026, 11, 25)
TARGET_SECONDS = 60.0


def _write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with (folder / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, order_lines: int, rng: random.Random) -> int:
    products, lines, customers = 200, 20, 500
    tiers = ["STRATEGIC"] * 1 + ["KEY"] * 3 + ["REGULAR"] * 6
    _write(folder, "customers", ["code", "name", "tier"],
           [[f"C{i:04}", f"Customer {i}", rng.choice(tiers)] for i in range(customers)])
    _write(folder, "products", ["sku", "name", "family", "unit_cost", "list_price"],
           [[f"P{i:04}", f"Product {i}", f"F{i % 8}", "10.00", "16.00"] for i in range(products)])
    _write(folder, "lines", ["code", "name", "weekly_capacity_hours"],
           [[f"L{i:02}", f"Line {i}", 80] for i in range(lines)])
    _write(folder, "routings", ["line_code", "sku", "units_per_hour"],
           [[f"L{(i + k) % lines:02}", f"P{i:04}", 100] for i in range(products) for k in (0, 1)])
    rows: list[list[object]] = []
    order = 0
    while len(rows) < order_lines:
        order += 1
        customer, due = f"C{rng.randrange(customers):04}", TODAY + timedelta(days=rng.randrange(7, 182))
        for sku in rng.sample(range(products), min(rng.randint(1, 4), order_lines - len(rows))):
            rows.append([f"SO-{order:06}", customer, due.isoformat(), f"P{sku:04}", rng.randint(1, 40)])
    _write(folder, "orders", ["code", "customer_code", "requested_date", "sku", "quantity"], rows)
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--order-lines", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    backend = "sqlite" if args.sqlite else "postgresql"
    if backend == "postgresql" and not os.environ.get("SOP_TEST_POSTGRES_URL"):
        raise SystemExit("set SOP_TEST_POSTGRES_URL (or pass --sqlite)")
    tmp = Path(tempfile.mkdtemp(prefix="sop-bench-import-"))
    orders = generate(tmp, args.order_lines, random.Random(7))
    steps: list[tuple[str, float]] = []
    with fresh_database(backend, tmp) as url:
        migrate(url)
        started = time.perf_counter()
        book = load_rulebook(DEFAULT_RULES_DIR)
        report = asyncio.run(import_plant(url, tmp, TODAY, book,
                                          step=lambda name: steps.append((name, time.perf_counter()))))
        seconds = time.perf_counter() - started
    previous, timings = started, {}
    for name, at in steps:
        timings[name] = round(at - previous, 2)
        previous = at
    print(json.dumps({"bench": "import_plant", "backend": backend, "order_lines": args.order_lines, "orders": orders,
                      "seconds": round(seconds, 2), "target_seconds": TARGET_SECONDS,
                      "ratio_vs_target": round(seconds / TARGET_SECONDS, 3), "steps": timings,
                      "booked": report.booking.booked, "moved_later": len(report.booking.moved),
                      "note": "2 shared cores; numbers are noisy"}))


if __name__ == "__main__":
    main()
