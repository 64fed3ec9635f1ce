"""Bench: faults injected one at a time into a served plant under partner load; each is audited afterwards.

Starts its own PostgreSQL (temp data folder, free port, as the `postgres` OS user when run as root), migrates
it, loads the demo plant, serves it with `sop serve --workers 2` and drives partner-like clients (createOrder,
updateOrder, cancelOrder with idempotency keys, retrying what they are told to retry) while injecting:
  kill_worker     SIGKILL of the uvicorn worker whose transaction has written but not committed;
  db_restart      pg_ctl stop -m fast, down for a few seconds, start;
  replan_kill     `sop plan weekly` SIGKILLed while solving and while writing, then one that must finish;
  rules_reload    a broken rule file reloaded under load, a worker restarted while it is broken, then restored.
After each: every acknowledged write stored exactly once, nothing half-written, `sop check` clean, the plan in
force whole, /readyz red during the outage and green after, which errors clients saw (during the database
restart only UNAVAILABLE, and nothing failing once it is back). One JSON line per fault, a summary line last;
exit 1 when any condition fails.
Usage: .venv/bin/python bench/faults.py [--quick] [--only kill_worker,db_restart] [--size small|medium]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.faultkit.audit import check_violations, judge, plan_whole, read_stored
from bench.faultkit.clients import Client, OrderBook, Tally, merge
from bench.faultkit.injections import Fault, Target, break_rules, kill_replan, kill_worker, restart_database
from bench.faultkit.postgres import temp_postgres
from bench.faultkit.service import ReadinessProbe, copy_rules, load_plant, served, sop
from domain.db import sync_engine

KEY_PREFIX = "faults-"


@dataclass(frozen=True)
class Shape:
    """How long each phase runs: load before the fault, after recovery, and how long the database stays down."""

    clients: int
    warmup: float
    settle: float
    down: float
    replan_phases: tuple[str, ...]


FULL = Shape(clients=8, warmup=8.0, settle=10.0, down=6.0, replan_phases=("solving", "writing"))
QUICK = Shape(clients=4, warmup=3.0, settle=3.0, down=3.0, replan_phases=("writing",))


def faults(shape: Shape) -> dict[str, Callable[[Target], Fault]]:
    return {
        "kill_worker": kill_worker,
        "db_restart": partial(restart_database, down_seconds=shape.down),
        "replan_kill": partial(kill_replan, phases=list(shape.replan_phases)),
        "rules_reload": break_rules,
    }


def log(message: str) -> None:
    print(f"[bench/faults] {message}", file=sys.stderr, flush=True)


def readiness(probe: ReadinessProbe, fault: Fault, end: float) -> dict[str, bool]:
    during = probe.between(fault.began, fault.recovered)
    after = probe.between(end - 1.0, end)
    return {"red": not all(during), "green_after": bool(after) and after[-1]}


async def drive(clients: list[Client], target: Target, inject: Callable[[Target], Fault], shape: Shape) -> tuple[
        Fault, float]:
    """Clients write before, during and after the fault; returns the fault and when the last write ended."""
    stop = asyncio.Event()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=len(clients) * 2)) as http:
        tasks = [asyncio.create_task(c.run(http, stop, pause=0.2)) for c in clients]
        await asyncio.sleep(shape.warmup)
        fault = await asyncio.to_thread(inject, target)
        await asyncio.sleep(shape.settle)
        stop.set()
        await asyncio.gather(*tasks)  # each client ends the write it is in (retries included)
    return fault, time.monotonic()


def audit(name: str, fault: Fault, end: float, tally: Tally, book: OrderBook, target: Target, probe: ReadinessProbe,
          seconds: float) -> dict[str, Any]:
    engine = sync_engine(target.env["SOP_DATABASE_URL"])
    try:
        stored = read_stored(engine, KEY_PREFIX)
    finally:
        engine.dispose()
    found = judge(book, stored)
    checked = sop_check(target.env)
    plan_problems = plan_whole(stored.plans, fault.plan_versions)
    ready = readiness(probe, fault, end)
    during = {code for at, outcome, code in tally.answers if fault.began <= at <= fault.recovered and outcome != "ack"}
    checks = dict(fault.checks)
    checks["no_internal_error"] = "INTERNAL" not in tally.client_errors and "500" not in tally.http_status
    checks["ready_green_after"] = ready["green_after"]
    if name == "db_restart":
        checks["ready_red_during"] = ready["red"]
        checks["only_unavailable_during"] = during <= {"UNAVAILABLE"}
        checks["503_with_retry_after"] = tally.http_status.get("503 without Retry-After", 0) == 0
    failed_after = tally.failures_after(fault.recovered)
    line = {"fault": name, "acknowledged": tally.acknowledged, **found.counts(),
            "check_violations": checked, "plan_whole": not plan_problems,
            "ready_red_then_green": ready["red"] and ready["green_after"],
            "client_errors": dict(sorted(tally.client_errors.items())),
            "http_status": dict(sorted(tally.http_status.items())),
            "failed_after_recovery": failed_after, "unresolved_writes": book.unresolved, **fault.seen,
            "checks": checks, "seconds": round(seconds, 1)}
    line["ok"] = (all(checks.values()) and checked == 0 and not plan_problems and failed_after == 0
                  and not any(found.counts().values()))
    if not line["ok"]:
        line["examples"] = [*found.examples(), *plan_problems]
    return line


def sop_check(env: dict[str, str]) -> int:
    try:
        done = sop(env, "check")
        return check_violations(done.stdout)
    except RuntimeError as failed:  # exit 1: violations listed
        return check_violations(str(failed))


async def run(shape: Shape, only: list[str], size: str, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="sop-faults-") as tmp, temp_postgres() as pg:
        folder = Path(tmp)
        rules_dir = copy_rules(folder)
        env = {"SOP_DATABASE_URL": pg.url, "SOP_RULES_DIR": str(rules_dir), "SOP_RETRY_AFTER_SECONDS": "1"}
        log(f"PostgreSQL on port {pg.port} in {pg.folder}; loading the {size} demo plant")
        plant = load_plant(env, size, partners=shape.clients)
        book = OrderBook()
        with served(env, workers=2, log_dir=folder) as server:
            log(f"serving on {server.url} with workers {server.workers()}")
            probe = ReadinessProbe(server.url)
            target = Target(pg, server, plant, env, rules_dir, rng)
            clients = [Client(server.url, key, plant.customers[2 * i:2 * i + 2], plant.skus, book,
                              random.Random(seed * 100 + i)) for i, key in enumerate(plant.partner_keys)]
            try:
                for name, inject in faults(shape).items():
                    if only and name not in only:
                        continue
                    log(f"{name}: injecting under load")
                    for client in clients:
                        client.tally = Tally()
                    started = time.monotonic()
                    fault, end = await drive(clients, target, inject, shape)
                    tally = merge([c.tally for c in clients])
                    lines.append(audit(name, fault, end, tally, book, target, probe, time.monotonic() - started))
                    print(json.dumps(lines[-1]), flush=True)
            finally:
                probe.close()
                if not all(line["ok"] for line in lines):
                    log("server log tail:\n" + server.log_tail())
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="A smoke run: fewer clients, shorter phases.")
    parser.add_argument("--only", default="", help="Comma-separated faults to run (default: all four).")
    parser.add_argument("--size", default="small", choices=["small", "medium"])
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]
    unknown = set(only) - set(faults(FULL))
    if unknown:
        parser.error(f"unknown fault(s) {sorted(unknown)}; choose from {sorted(faults(FULL))}")
    began = time.monotonic()
    lines = asyncio.run(run(QUICK if args.quick else FULL, only, args.size, args.seed))
    summary = {"summary": "faults", "faults": len(lines), "ok": bool(lines) and all(line["ok"] for line in lines),
               "failed": [line["fault"] for line in lines if not line["ok"]],
               "acknowledged": sum(line["acknowledged"] for line in lines),
               "lost": sum(line["lost"] for line in lines), "duplicated": sum(line["duplicated"] for line in lines),
               "half_written": sum(line["half_written"] for line in lines),
               "seconds": round(time.monotonic() - began, 1)}
    print(json.dumps(summary), flush=True)
    sys.exit(0 if summary["ok"] else 1)


if __name__ == "__main__":
    main()
