"""Bench part: the same partner load against one and two API processes, `sop check` after, issue 15's verdicts.

Used by bench/api.py. Both servers run side by side and the load alternates between them in two halves each, so
a burst of other work on the shared machine hits both alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.cpu_budget import CpuMeter
from bench.partner_load import LockLog, MixedRun, Partner, closed_loop, merged, partner_clients
from domain.config import Settings
from tests.e2e.multiprocess.servers import Serve, checkout_first

# Issue 15's acceptance (on a quiet machine) and the figures it started from (same bench, medium plant).
TARGETS = {"create_order_cpu_ms": ("<=", 5.0), "create_order_p95_ms_single_client": ("<=", 15.0),
           "create_order_p95_ms_paced": ("<=", 50.0), "create_order_rps": (">=", 150.0),
           "create_order_p95_ms": ("<=", 1000.0), "ledger_lock_hold_p99_ms": ("<=", 20.0),
           "create_order_rps_workers_2_over_1": (">=", 1.4)}
BASELINE = {"create_order_cpu_ms": 16.5, "create_order_p95_ms_single_client": 31.0,
            "create_order_p95_ms_paced": 37.0,  # at 20 orders/s in all, not 100
            "mixed_requests_rps_workers_2": 20.3, "mixed_p95_ms_workers_2": 13200.0}


def log(message: str) -> None:
    print(f"[bench/api] {message}", file=sys.stderr, flush=True)


async def mixed_phase(one: Serve, two: Serve, partners: list[Partner], skus: list[str], clients: int,
                      seconds: float, lock_logs: dict[int, LockLog], meter: CpuMeter, client: str = "lean",
                      database_url: str | None = None) -> dict[str, Any]:
    """Closed loops of `clients` partners against `one` (1 worker) and `two` (2 workers), alternated in halves."""
    members = {n: partner_clients(partners, skus, clients, f"w{n}") for n in (1, 2)}
    for serve in (one, two):  # the warm-up also gives each client open orders to change and cancel later
        log(f"warming up sop serve --workers {serve.workers}")
        await closed_loop(serve.url, serve.pids(), members[serve.workers], 3.0, lock_logs[serve.workers], meter,
                          client)
    runs: dict[int, list[MixedRun]] = {1: [], 2: []}
    for round_no in (1, 2):
        for serve in (one, two):
            log(f"mixed, round {round_no}: {clients} partners, {seconds / 2:.0f} s, {serve.workers} worker(s)")
            runs[serve.workers].append(await closed_loop(serve.url, serve.pids(), members[serve.workers],
                                                         seconds / 2, lock_logs[serve.workers], meter, client,
                                                         database_url))
    deadline = Settings().request_timeout_seconds
    single, double = merged(runs[1]).summary(deadline), merged(runs[2]).summary(deadline)
    return {
        "partners_mixed_workers_1": single, "partners_mixed_workers_2": double,
        "create_order_rps": double["create_rps"], "create_order_p95_ms": double["create"]["p95_ms"],
        "mixed_requests_rps_workers_2": double["rps"], "mixed_p95_ms_workers_2": double["all"]["p95_ms"],
        "create_order_rps_workers_2_over_1": round(double["create_rps"] / max(single["create_rps"], 1e-9), 2),
        # The rows as the server held them where it timed them (a ledger UPDATE sent with the COMMIT), else the
        # client's clock; the client's is kept beside it (one round trip and a wait for the event loop more).
        "ledger_lock_hold_p99_ms": (double["ledger_lock_hold_server"]["p99_ms"]
                                    if double["ledger_lock_hold_server"]["transactions"]
                                    else double["ledger_lock_hold"]["p99_ms"]),
        "ledger_lock_hold_client_p99_ms": double["ledger_lock_hold"]["p99_ms"],
        "requests_past_deadline": single["past_deadline"] + double["past_deadline"],
        "server_deadline_seconds": deadline,
    }


def sop_check(url: str) -> dict[str, Any]:
    """`sop check` on the bench database: exit code and its last lines (0: no ledger or stock violation). The checkout's
    code, as the servers run it: the console script alone imports the tree it was installed from, which refuses a
    database migrated by a branch's newer migration."""
    sop = str(Path(sys.executable).with_name("sop"))
    done = subprocess.run([sop, "check"], env=checkout_first({**os.environ, "SOP_DATABASE_URL": url}),
                          capture_output=True, text=True, timeout=600)
    return {"exit_code": done.returncode, "ok": done.returncode == 0,
            "output": (done.stdout + done.stderr).strip().splitlines()[-3:]}


def issue_15_verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """Targets, whether each is met, and ratios to the figures issue 15 started from (new / old)."""
    met = {}
    for name, (sense, target) in TARGETS.items():
        value = result.get(name)
        met[name] = value is not None and (value <= target if sense == "<=" else value >= target)
    return {
        "issue_15_targets": {k: f"{s} {t:g}" for k, (s, t) in TARGETS.items()}, "issue_15_met": met,
        "issue_15_baseline": BASELINE,
        "issue_15_vs_baseline": {k: round(result[k] / v, 2) for k, v in BASELINE.items() if result.get(k)},
        "issue_15_sop_check_ok": result.get("sop_check", {}).get("ok", False),
    }
