"""Bench part: partners' createOrder/updateOrder/cancelOrder in a closed loop against `sop serve --workers N`.

Used by bench/api.py (issue 15 items 3 and 4). Each client is one partner system with its own key and customers:
it creates orders and later changes (new requested date) or cancels the ones it holds open, always with the
version it was last given, as an ERP does. A request answered with a GraphQL error, a 5xx or no answer is a
failure; a mutation answered with a UserError (e.g. FROZEN_WINDOW) is an answer and counted by its code. CPU per
request of the load generator, the serving processes and PostgreSQL comes from /proc (bench/cpu_budget.py); ledger
lock hold times from SOP_LEDGER_LOCK_LOG files. The clients are httpx's or the lean one (bench/lean_http.py).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np

from bench.cpu_budget import CpuMeter, Snapshot, connections_by_process
from bench.lean_http import LeanClient, LeanResponse
from bench.pg_waits import WaitSampler

Client = httpx.AsyncClient | LeanClient
Response = httpx.Response | LeanResponse

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status version } errors { code message } } }"""
UPDATE = """mutation($input: UpdateOrderInput!) { updateOrder(input: $input) {
  order { code status version } errors { code message } } }"""
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { code status version } errors { code message } } }"""
OPEN = {"RECEIVED", "ACCEPTED", "PROPOSED"}  # statuses a partner still changes or cancels
CREATE_SHARE, UPDATE_SHARE = 0.6, 0.25  # the rest cancels (only orders the client holds open)


def http_client(kind: str, connections: int) -> Client:
    """The benches' load generator: "lean" (bench/lean_http.py) or "httpx", keeping up to `connections` open."""
    if kind == "lean":
        return LeanClient(timeout=60.0)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, timeout=60.0)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 of milliseconds (NaN when there are none)."""
    if not samples:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    p50, p95, p99 = np.percentile(np.array(samples), [50, 95, 99])
    return {"p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1), "p99_ms": round(float(p99), 1)}


class LockLog:
    """Ledger lock hold times (ms) that the servers appended to <prefix>.<pid> since the last `take` (the client's
    clock); `server`: the same for <prefix>-server.<pid> (PostgreSQL's clock, for a ledger UPDATE sent with the
    COMMIT: domain/capacity/lock_timing.py)."""

    def __init__(self, prefix: Path, *, with_server: bool = True) -> None:
        self.prefix = prefix
        self.offsets: dict[Path, int] = {}
        self.server = LockLog(prefix.with_name(prefix.name + "-server"), with_server=False) if with_server else None
        # the server's figure up to the COMMIT (the UPDATEs and lock waits), the rest being the COMMIT itself
        self.updates = LockLog(prefix.with_name(prefix.name + "-server-updates"), with_server=False) \
            if with_server else None

    def take(self) -> list[float]:
        found: list[float] = []
        for path in sorted(self.prefix.parent.glob(self.prefix.name + ".*")):
            with path.open("rb") as f:
                f.seek(self.offsets.get(path, 0))
                text = f.read()
            done = text.rfind(b"\n") + 1  # a line being written is read next time
            self.offsets[path] = self.offsets.get(path, 0) + done
            found.extend(float(x) for x in text[:done].split())
        return found


@dataclass
class Partner:
    key: str
    customers: list[str]


@dataclass
class MixedRun:
    """What one closed-loop run saw, per mutation kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"create": [], "update": [], "cancel": []})
    failures: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    lock_hold_ms: list[float] = field(default_factory=list)
    lock_hold_server_ms: list[float] = field(default_factory=list)
    lock_hold_server_updates_ms: list[float] = field(default_factory=list)
    cpu_spans: list[tuple[Snapshot, Snapshot]] = field(default_factory=list)
    connections_by_process: list[list[int]] = field(default_factory=list)  # at the end of each span
    backend_counts: Counter[str] = field(default_factory=Counter)  # pg_stat_activity samples (bench/pg_waits.py)
    backend_samples: int = 0

    def summary(self, deadline_seconds: float) -> dict[str, Any]:
        answered = sum(len(v) for v in self.latencies.values())
        every = [x for v in self.latencies.values() for x in v]
        creates = self.latencies["create"]
        return {
            "seconds": round(self.seconds, 1), "requests": answered, "rps": round(answered / self.seconds, 1),
            "creates": len(creates), "create_rps": round(len(creates) / self.seconds, 1),
            "by_kind": {k: len(v) for k, v in self.latencies.items()},
            "create": percentiles([1000 * x for x in creates]), "all": percentiles([1000 * x for x in every]),
            "past_deadline": sum(x > deadline_seconds for x in every) + self.failures["timeout"],
            "failures": dict(self.failures), "refused_by_code": dict(self.refused), "statuses": dict(self.statuses),
            "server_cpu_ms_per_request": round(1000 * self.server_cpu_seconds / max(answered, 1), 2),
            **({"cpu_ms_per_request": CpuMeter.budget(self.cpu_spans, answered)} if self.cpu_spans else {}),
            **({"connections_by_process": self.connections_by_process} if self.connections_by_process else {}),
            **({"postgres_backends_mean": {k: round(n / self.backend_samples, 2)
                                           for k, n in self.backend_counts.most_common()}}
               if self.backend_samples else {}),
            "ledger_lock_hold": {"transactions": len(self.lock_hold_ms), **percentiles(self.lock_hold_ms)},
            "ledger_lock_hold_server": {"transactions": len(self.lock_hold_server_ms),
                                        **percentiles(self.lock_hold_server_ms)},
            "ledger_lock_hold_server_before_commit": percentiles(self.lock_hold_server_updates_ms),
        }


class PartnerClient:
    """One partner system: the orders it holds open, as (code, version)."""

    def __init__(self, index: int, partner: Partner, skus: list[str], tag: str) -> None:
        self.partner, self.skus, self.run = partner, skus, MixedRun()
        self.rng = random.Random(index)
        self.open: dict[str, int] = {}
        self.tag, self.serial = f"{tag}-{index}", 0

    def _due(self) -> str:
        return (date.today() + timedelta(days=self.rng.randint(21, 70))).isoformat()

    def next_request(self) -> tuple[str, str, dict[str, Any]]:
        roll = self.rng.random()
        if not self.open or roll < CREATE_SHARE:
            self.serial += 1
            lines = [{"sku": s, "quantity": self.rng.randint(1, 20)}
                     for s in self.rng.sample(self.skus, self.rng.randint(1, 3))]
            return "create", CREATE, {"code": f"P-{self.tag}-{self.serial}", "lines": lines,
                                      "requestedDate": self._due(),
                                      "customerCode": self.rng.choice(self.partner.customers)}
        code = self.rng.choice(sorted(self.open))
        if roll < CREATE_SHARE + UPDATE_SHARE:
            return "update", UPDATE, {"code": code, "expectedVersion": self.open[code], "requestedDate": self._due()}
        return "cancel", CANCEL, {"code": code, "expectedVersion": self.open[code], "reason": "bench"}

    async def send(self, http: Client, url: str) -> None:
        kind, query, variables = self.next_request()
        started = time.perf_counter()
        try:
            response = await http.post(f"{url}/graphql", json={"query": query, "variables": {"input": variables}},
                                       headers={"Authorization": f"Bearer {self.partner.key}"})
        except httpx.TimeoutException:
            self.run.failures["timeout"] += 1
            return
        except httpx.HTTPError as error:
            self.run.failures[type(error).__name__] += 1
            return
        elapsed = time.perf_counter() - started
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
        if response.status_code != 200 or body is None or "errors" in body:
            self.run.failures[f"{response.status_code} {response.text[:120]}"] += 1
            return
        payload = next(iter(body["data"].values()))
        self.run.latencies[kind].append(elapsed)
        if payload["errors"]:
            self.run.refused[f"{kind} {payload['errors'][0]['code']}"] += 1
            if payload["errors"][0]["code"] != "VERSION_CONFLICT":
                self.open.pop(variables["code"], None)  # e.g. frozen now: leave it be
            return
        order = payload["order"]
        self.run.statuses[f"{kind} {order['status']}"] += 1
        if order["status"] in OPEN:
            self.open[order["code"]] = order["version"]
        else:
            self.open.pop(order["code"], None)


def partner_clients(partners: list[Partner], skus: list[str], clients: int, tag: str) -> list[PartnerClient]:
    """`clients` partner systems dealt over the partners; kept across runs, so later runs change open orders."""
    return [PartnerClient(i, partners[i % len(partners)], skus, tag) for i in range(clients)]


async def closed_loop(url: str, pids: list[int], members: list[PartnerClient], seconds: float,
                      lock_log: LockLog, meter: CpuMeter, client: str = "lean", database_url: str | None = None
                      ) -> MixedRun:
    """Each partner system sends again as soon as it has its answer, for `seconds`; with `database_url`, what the
    database's backends were doing is sampled meanwhile (bench/pg_waits.py)."""
    run = MixedRun()
    for member in members:
        member.run = run
    lock_log.take()  # only this run's transactions
    server_log = lock_log.server or LockLog(lock_log.prefix, with_server=False)
    updates_log = lock_log.updates or LockLog(lock_log.prefix, with_server=False)
    server_log.take(), updates_log.take()
    async with http_client(client, len(members)) as http:
        with WaitSampler(database_url) if database_url else nullcontext() as sampler:
            before = meter.snapshot(pids)
            started = time.perf_counter()
            deadline = started + seconds

            async def loop(member: PartnerClient) -> None:
                while time.perf_counter() < deadline:
                    await member.send(http, url)

            await asyncio.gather(*(loop(m) for m in members))
            run.seconds = time.perf_counter() - started
            after = meter.snapshot(pids)
        if sampler:
            run.backend_counts, run.backend_samples = sampler.counts, sampler.samples
        run.cpu_spans.append((before, after))
        run.connections_by_process.append(connections_by_process(pids, urlsplit(url).port or 80))
        run.server_cpu_seconds = sum(after.servers.values()) - sum(before.servers.values())
    await asyncio.sleep(0.2)  # the last commits' lines
    run.lock_hold_ms, run.lock_hold_server_ms = lock_log.take(), server_log.take()
    run.lock_hold_server_updates_ms = updates_log.take()
    return run


def merged(runs: list[MixedRun]) -> MixedRun:
    out = MixedRun()
    for r in runs:
        for kind, values in r.latencies.items():
            out.latencies[kind].extend(values)
        out.failures.update(r.failures)
        out.refused.update(r.refused)
        out.statuses.update(r.statuses)
        out.seconds += r.seconds
        out.server_cpu_seconds += r.server_cpu_seconds
        out.lock_hold_ms.extend(r.lock_hold_ms)
        out.lock_hold_server_ms.extend(r.lock_hold_server_ms)
        out.lock_hold_server_updates_ms.extend(r.lock_hold_server_updates_ms)
        out.cpu_spans.extend(r.cpu_spans)
        out.connections_by_process.extend(r.connections_by_process)
        out.backend_counts.update(r.backend_counts)
        out.backend_samples += r.backend_samples
    return out
