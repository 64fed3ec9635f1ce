"""The four faults, each injected once while the clients write: each returns when the service should be back.

Every injection runs in a thread beside the clients' event loop and returns a Fault: when it began, when the
service should be whole again, and what it saw on the way (conditions the summary judges).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.faultkit.postgres import TempPostgres
from bench.faultkit.service import SOP, Plant, Served
from domain.planning.weekly import REPLAN_LOCK_KEY

POLL = 0.002  # seconds between looks at pg_stat_activity: a small plant's replan writes for ~100 ms
RELOAD = "mutation { reloadRules { version errors { code message } } }"


@dataclass
class Fault:
    began: float
    recovered: float
    checks: dict[str, bool] = field(default_factory=dict)  # named conditions this fault must meet
    seen: dict[str, Any] = field(default_factory=dict)  # figures worth printing
    plan_versions: set[int] | None = None  # the plan versions allowed in force afterwards (None: any whole one)


@dataclass(frozen=True)
class Target:
    pg: TempPostgres
    server: Served
    plant: Plant
    env: dict[str, str]
    rules_dir: Path
    rng: random.Random


def _writing_backends(conn: psycopg.Connection[Any]) -> list[tuple[int, int]]:
    """(backend pid, client port) of transactions that have written (an xid is assigned on the first write)."""
    rows = conn.execute("SELECT pid, client_port FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                        "AND pid <> pg_backend_pid() AND client_port IS NOT NULL").fetchall()
    return [(int(pid), int(port)) for pid, port in rows]


def _socket_inodes(local_port: int) -> set[str]:
    """Inodes of this host's TCP sockets bound to `local_port` (the client side of a database connection)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            columns = line.split()
            if int(columns[1].rsplit(":", 1)[1], 16) == local_port:
                found.add(columns[9])
    return found


def _owner(pids: list[int], inodes: set[str]) -> int | None:
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return pid
        except OSError:
            continue
    return None


def kill_worker(t: Target) -> Fault:
    """SIGKILL the uvicorn worker whose database transaction has written and not committed yet."""
    workers = t.server.workers()
    victim, mid_write = None, False
    with psycopg.connect(t.pg.url, autocommit=True) as conn:
        deadline = time.monotonic() + 20
        while victim is None and time.monotonic() < deadline:
            for _, port in _writing_backends(conn):
                victim = _owner(workers, _socket_inodes(port))
                if victim is not None:
                    break
            time.sleep(POLL)
    if victim is None:
        victim = t.rng.choice(workers)
    else:
        mid_write = True
    began = time.monotonic()
    t.server.kill_worker(victim)
    back = t.server.wait_workers(len(workers))
    return Fault(began, time.monotonic(), {"killed_mid_write": mid_write, "worker_restarted": True},
                 {"worker_back_seconds": round(back, 2)})


def restart_database(t: Target, down_seconds: float) -> Fault:
    """pg_ctl stop -m fast, stay down a while under load, start again."""
    began = time.monotonic()
    t.pg.stop("fast")
    time.sleep(down_seconds)
    t.pg.start()
    started = time.monotonic()
    back = t.server.wait_workers(len(t.server.workers()))
    return Fault(began, started, {}, {"down_seconds": round(started - began, 2),
                                      "ready_after_start_seconds": round(back, 2)})


def _replan_phase(conn: psycopg.Connection[Any]) -> str | None:
    """'solving' while the replan holds its lock and has not written, 'writing' once it has; None before."""
    row = conn.execute("SELECT a.backend_xid IS NOT NULL FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                       "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s", [REPLAN_LOCK_KEY]).fetchone()
    return None if row is None else ("writing" if row[0] else "solving")


def _plan_in_force(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT p.version FROM current_plan c JOIN plans p ON p.id = c.plan_id").fetchone()
    return int(row[0]) if row else 0


def kill_replan(t: Target, phases: list[str]) -> Fault:
    """`sop plan weekly` SIGKILLed in each phase of `phases` ('solving', 'writing'); then one that must finish."""
    env = {**os.environ, **t.env}
    killed: list[str] = []
    tries = 0
    began = time.monotonic()
    with psycopg.connect(t.pg.url, autocommit=True) as conn:
        before = _plan_in_force(conn)
        for phase in phases:
            while phase not in killed and tries < 8:
                tries += 1
                replan = subprocess.Popen([SOP, "plan", "weekly"], env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
                while replan.poll() is None and _replan_phase(conn) != phase:
                    time.sleep(POLL)
                if replan.poll() is None:
                    replan.send_signal(signal.SIGKILL)
                    killed.append(phase)
                replan.wait()
        in_force = _plan_in_force(conn)  # a try that finished before its kill put a whole new plan in force
    finished = subprocess.run([SOP, "plan", "weekly"], env=env, capture_output=True, text=True, timeout=600)
    with psycopg.connect(t.pg.url, autocommit=True) as conn:
        after = _plan_in_force(conn)
    checks = {f"killed_while_{p}": p in killed for p in phases}
    checks["next_replan_finished"] = finished.returncode == 0 and after == in_force + 1
    seen = {"tries": tries, "plan_before": before, "plan_after_kills": in_force, "plan_after_next_replan": after}
    return Fault(began, time.monotonic(), checks, seen, plan_versions={after})


def _reload(t: Target) -> dict[str, Any]:
    response = httpx.post(f"{t.server.url}/graphql", json={"query": RELOAD},
                          headers={"Authorization": f"Bearer {t.plant.admin_key}"}, timeout=60)
    return dict(response.json()["data"]["reloadRules"])


def break_rules(t: Target) -> Fault:
    """A rule file broken mid-edit, reloaded under load (refused, old rules stay), a worker restarted while it is
    broken (must come back on the rules in force), then the good file restored and reloaded."""
    path = t.rules_dir / "review.yaml"
    good = path.read_text()
    began = time.monotonic()
    path.write_text(good[: len(good) // 2] + "\n  - id: [unclosed\n")
    try:
        refused = _reload(t)
        workers = t.server.workers()
        t.server.kill_worker(t.rng.choice(workers))
        try:
            t.server.wait_workers(len(workers), timeout=90)
            restarted = True
        except (TimeoutError, RuntimeError):
            restarted = False
    finally:
        path.write_text(good)
    restored = _reload(t)
    checks = {
        # Refused, and the version it reports is the one in force, which the good files' reload gives back.
        "broken_reload_refused": bool(refused["errors"])
        and all(e["code"] == "RULES_INVALID" for e in refused["errors"]),
        "worker_restarted_while_broken": restarted,
        "good_reload_accepted": not restored["errors"] and restored["version"] == refused["version"],
    }
    return Fault(began, time.monotonic(), checks, {"reload_errors": len(refused["errors"])})
