"""Bench part: where the machine's CPU went during a run, per request (load generator, servers, PostgreSQL, idle).

Two snapshots of /proc around a run: this process (the load generator, all its threads), each serving process,
the PostgreSQL backends connected to the bench database (their process title names it), PostgreSQL's shared
background processes (postmaster, WAL writer, checkpointer, ...; other databases' work is in them too), and the
whole machine from /proc/stat. What the machine was busy with beyond those is "other" (other people's work on a
shared host, the kernel's softirqs). A backend that exits during the run takes its CPU with it; the pools keep
theirs open, so in a bench that is the short-lived `sop check`, run after the timed parts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")
TITLE = b"postgres: "  # PostgreSQL's processes rename themselves "postgres: <cluster>: <what>"


def process_cpu(pid: int | str) -> float:
    """User + system CPU seconds of a process (Linux /proc/<pid>/stat fields 14 and 15); 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_cpu() -> tuple[float, float]:
    """(busy, idle) CPU seconds of all cores since boot; iowait counts as idle, steal as neither."""
    user, nice, system, idle, iowait, irq, softirq = (int(x) for x in Path("/proc/stat").read_text().split()[1:8])
    return (user + nice + system + irq + softirq) / TICK, (idle + iowait) / TICK


def postgres_cpu(database: str) -> tuple[dict[int, float], float]:
    """CPU seconds of each backend connected to `database` (by its title), and of all other PostgreSQL processes
    that are not a backend of another database (the postmaster and the background processes)."""
    mine: dict[int, float] = {}
    shared = 0.0
    marker = f" {database} ".encode()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            title = Path(entry.path, "cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(TITLE):
            if marker in title:
                mine[int(entry.name)] = process_cpu(entry.name)
            elif b"(" not in title and b"[local]" not in title:  # a backend's title names its client; others none
                shared += process_cpu(entry.name)
        elif title.split(b"\0", 1)[0].endswith(b"/bin/postgres"):
            shared += process_cpu(entry.name)
    return mine, shared


def connections_by_process(pids: list[int], port: int) -> list[int]:
    """Established TCP connections to local `port` that each process holds (its sockets' inodes found in
    /proc/net/tcp): how the clients' keep-alive connections were dealt out among a server's workers."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    counts = []
    for pid in pids:
        held = 0
        for fd in os.scandir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(fd.path)
            except OSError:
                continue
            held += target.startswith("socket:[") and target[8:-1] in inodes
        counts.append(held)
    return counts


@dataclass(frozen=True)
class Snapshot:
    at: float
    generator: float
    servers: dict[int, float]
    backends: dict[int, float]
    postgres_background: float
    busy: float
    idle: float


class CpuMeter:
    """Snapshots for one bench database; `budget` turns two of them into CPU per request."""

    def __init__(self, database: str) -> None:
        self.database = database

    def snapshot(self, server_pids: list[int]) -> Snapshot:
        backends, background = postgres_cpu(self.database)
        busy, idle = machine_cpu()
        return Snapshot(time.perf_counter(), time.process_time(), {p: process_cpu(p) for p in server_pids},
                        backends, background, busy, idle)

    @staticmethod
    def budget(spans: list[tuple[Snapshot, Snapshot]], requests: int) -> dict[str, Any]:
        """ms of CPU per answered request by whom, the machine's idle share, and cores used by each part, over
        one or more (before, after) spans (a scenario run in halves)."""
        parts = dict.fromkeys(("load_generator", "server", "postgres", "postgres_background", "other"), 0.0)
        servers: dict[int, float] = {}
        seconds = idle = 0.0
        for before, after in spans:
            seconds += after.at - before.at
            for pid, cpu in after.servers.items():
                servers[pid] = servers.get(pid, 0.0) + cpu - before.servers.get(pid, 0.0)
            known = {
                "load_generator": after.generator - before.generator,
                "server": sum(cpu - before.servers.get(p, 0.0) for p, cpu in after.servers.items()),
                "postgres": sum(cpu - before.backends.get(p, 0.0) for p, cpu in after.backends.items()),
                "postgres_background": after.postgres_background - before.postgres_background,
            }
            for name, cpu in known.items():
                parts[name] += cpu
            parts["other"] += max(0.0, after.busy - before.busy - sum(known.values()))
            idle += after.idle - before.idle
        per, seconds = 1000 / max(requests, 1), max(seconds, 1e-9)
        return {
            **{name: round(cpu * per, 2) for name, cpu in parts.items()},
            "server_by_process": [round(cpu * per, 2) for cpu in servers.values()],
            "idle_share": round(idle / max(sum(parts.values()) + idle, 1e-9), 3),
            "cores": {name: round(cpu / seconds, 2) for name, cpu in {**parts, "idle": idle}.items()},
        }
