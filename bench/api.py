"""Bench: the GraphQL API under uvicorn over a demo plant on PostgreSQL, driven by concurrent clients.

Creates a fresh database, migrates it, loads the demo plant (`--size`, default medium), creates keys, starts
the API (`uvicorn api.app:create_app --factory`) and the baseline (bench/plain_orders_app.py: the same page
as plain JSON from the same domain queries) on loopback, and measures with `--clients` concurrent
clients for `--seconds` per scenario: (a) the GraphQL `orders(first: 50)` page with customer, lines{product}
and review, (b) createOrder of valid orders for demo customers and skus, (c) the plain page. Each is also
measured with one client (the service time without queueing). SQL statements per page are counted in-process
(a before_cursor_execute counter) for first: 10 and first: 50. The database is dropped at the end, also on
failure. Prints one JSON line last. The machine is shared (2 cores, other work): the load generator runs on
the same cores, so server CPU per request is reported beside requests/s; both are noisy. Each scenario also
says where the machine's CPU went per request (`cpu_ms_per_request`: the load generator, the servers, PostgreSQL's
backends of the bench database and its background processes, other work, the idle share; bench/cpu_budget.py).
The load generator is the lean client (bench/lean_http.py, on uvloop) unless `--client httpx`.

Issue 15 adds, in the same run: partners' createOrder/updateOrder/cancelOrder (bench/partner_load.py) in a closed
loop of `--clients` against `sop serve --workers 1` and `--workers 2` side by side (alternated halves), server
CPU per create, the paced run at `--paced-rps`, ledger lock hold times (SOP_LEDGER_LOCK_LOG, first ledger UPDATE
to COMMIT; PostgreSQL's clock where the UPDATE went with the COMMIT, the client's beside it) and `sop check` on the
database afterwards. The figures the issue names are top-level keys.
Usage: .venv/bin/python bench/api.py [--size small|medium|large] [--seconds 20] [--clients 50] [--paced-rps 100]
       [--client lean|httpx] [--loop uvloop|asyncio]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import uvloop
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.cpu_budget import CpuMeter, Snapshot
from bench.partner_load import Client, LockLog, Partner, Response, http_client, percentiles
from bench.plain_orders_app import create_app as create_plain_app
from bench.scale_out import issue_15_verdicts, mixed_phase, sop_check
from domain.config import Settings
from domain.db import session_scope, sync_engine
from domain.demo import load_demo
from domain.models import Customer, Product, Routing
from tests.dbutil import fresh_database, migrate
from tests.e2e.multiprocess.servers import Server, sop_serve, uvicorn_server
from tests.factories import make_api_key

PAGE_SIZE = 50
PAGE = """query($first: Int!) { orders(first: $first) { edges { cursor node { id code version status requestedDate
  promisedDate amount rush priorityTier customer { code name tier } lines { quantity unitPrice product { sku name } }
  review { decision rulesVersion proposedDate criteria { criterion passed message } } } }
  pageInfo { hasNextPage endCursor } } }"""
CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status version } errors { code message field } } }"""
PAGE_RATIO_TARGET = 3.0
CREATE_P95_TARGET_MS = 50.0
PARTNERS = 10  # partner keys for the mixed closed loop, each with its share of the customers
Request = Callable[[Client], Awaitable[bool]]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    cpu_spans: list[tuple[Snapshot, Snapshot]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        done = len(self.latencies)
        ms = np.percentile(np.array(self.latencies) * 1000, [50, 95, 99]) if done else [float("nan")] * 3
        return {"requests": done, "failures": self.failures, "rps": round(done / self.seconds, 1),
                "p50_ms": round(float(ms[0]), 1), "p95_ms": round(float(ms[1]), 1), "p99_ms": round(float(ms[2]), 1),
                "server_cpu_ms_per_request": round(1000 * self.server_cpu_seconds / max(done, 1), 2),
                "cpu_ms_per_request": CpuMeter.budget(self.cpu_spans, done)}


async def drive(http: Client, request: Request, server: Server, meter: CpuMeter, clients: int, seconds: float,
                rate: float | None = None) -> Run:
    """`clients` workers for `seconds`; a failed request counts as a failure, not a latency.

    Without `rate` they are closed loops (each sends again as soon as it has an answer: saturation).
    With `rate` (requests/s over all clients) each client sends on a fixed schedule, like partner
    systems that push orders as they come, and a latency counts from the scheduled instant, so a
    request that had to wait for an earlier one is not flattered (no coordinated omission).
    """
    run = Run()
    begin = time.perf_counter()
    deadline = begin + seconds

    async def worker(index: int) -> None:
        interval = clients / rate if rate else 0.0
        due = begin + (index * interval / clients if rate else 0.0)
        while time.perf_counter() < deadline:
            if rate:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                started, due = due, due + interval
            else:
                started = time.perf_counter()
            try:
                ok = await request(http)
            except httpx.HTTPError:
                ok = False
            if ok:
                run.latencies.append(time.perf_counter() - started)
            else:
                run.failures += 1

    before = meter.snapshot([server.process.pid])
    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    run.seconds = time.perf_counter() - started
    after = meter.snapshot([server.process.pid])
    run.cpu_spans.append((before, after))
    run.server_cpu_seconds = sum(after.servers.values()) - sum(before.servers.values())
    return run


def merged(runs: list[Run]) -> Run:
    return Run([x for r in runs for x in r.latencies], sum(r.failures for r in runs), sum(r.seconds for r in runs),
               sum(r.server_cpu_seconds for r in runs), [span for r in runs for span in r.cpu_spans])


@dataclass
class Workload:
    api: Server
    plain: Server
    keys: dict[str, str]
    customers: list[str]
    skus: list[str]
    lock_log: LockLog
    meter: CpuMeter
    statuses: dict[str, int] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    codes: itertools.count[int] = field(default_factory=itertools.count)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def failed(self, response: Response) -> bool:
        """Count a failure by its status and the start of its body (the JSON line reports them)."""
        reason = f"{response.status_code} {response.text[:160]}"
        self.problems[reason] = self.problems.get(reason, 0) + 1
        return False

    def answer(self, response: Response) -> Any:
        try:
            return response.json() if response.status_code == 200 else None
        except ValueError:
            return None

    async def graphql_page(self, http: Client) -> bool:
        response = await http.post(f"{self.api.url}/graphql", json={"query": PAGE, "variables": {"first": PAGE_SIZE}},
                                   headers={"Authorization": f"Bearer {self.keys['viewer']}"})
        body = self.answer(response)
        if body is None or "errors" in body or len(body["data"]["orders"]["edges"]) != PAGE_SIZE:
            return self.failed(response)
        return True

    async def plain_page(self, http: Client) -> bool:
        response = await http.get(f"{self.plain.url}/orders", params={"first": PAGE_SIZE},
                                  headers={"Authorization": f"Bearer {self.keys['viewer']}"})
        body = self.answer(response)
        if body is None or len(body["orders"]["edges"]) != PAGE_SIZE:
            return self.failed(response)
        return True

    def order_input(self) -> dict[str, Any]:
        rng = self.rng
        lines = [{"sku": sku, "quantity": rng.randint(1, 20)} for sku in rng.sample(self.skus, rng.randint(1, 3))]
        due = date.today() + timedelta(days=rng.randint(21, 70))
        return {"code": f"BENCH-{os.getpid()}-{next(self.codes)}", "customerCode": rng.choice(self.customers),
                "requestedDate": due.isoformat(), "lines": lines}

    async def create_in_process(self, http: httpx.AsyncClient, key: str, statuses: dict[str, int]) -> None:
        """One createOrder through an in-process app (httpx's ASGI transport: the profiling benches); a failure
        stops the bench with the answer, the order's status is counted in `statuses`."""
        response = await http.post("/graphql", json={"query": CREATE, "variables": {"input": self.order_input()}},
                                   headers={"Authorization": f"Bearer {key}"})
        body = response.json()
        assert "errors" not in body and not body["data"]["createOrder"]["errors"], response.text
        status = body["data"]["createOrder"]["order"]["status"]
        statuses[status] = statuses.get(status, 0) + 1

    async def create_order(self, http: Client) -> bool:
        response = await http.post(f"{self.api.url}/graphql",
                                   json={"query": CREATE, "variables": {"input": self.order_input()}},
                                   headers={"Authorization": f"Bearer {self.keys['planner']}"})
        body = self.answer(response)
        if body is None or "errors" in body or body["data"]["createOrder"]["errors"]:
            return self.failed(response)
        status = body["data"]["createOrder"]["order"]["status"]
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return True


def log(message: str) -> None:
    print(f"[bench/api] {message}", file=sys.stderr, flush=True)


def prepare(url: str, size: str) -> tuple[dict[str, str], list[str], list[str], int, list[Partner]]:
    """Migrate, load the demo plant, create a viewer and a planner key; customers and routed skus for orders;
    PARTNERS partner keys, the customers dealt out among them."""
    migrate(url)
    engine = sync_engine(url)
    try:
        report = load_demo(engine, size, today=date.today())
        with session_scope(engine) as s:
            keys = {role: make_api_key(s, role, name=f"bench-{role}") for role in ("viewer", "planner")}
            rows = list(s.scalars(select(Customer).order_by(Customer.code)))
            customers = [c.code for c in rows]
            dealt = [rows[i::PARTNERS] for i in range(min(PARTNERS, len(rows)))]
            partners = [Partner(make_api_key(s, "partner", mine, name=f"bench-partner-{i}"), [c.code for c in mine])
                        for i, mine in enumerate(dealt)]
            skus = list(s.scalars(select(Product.sku).where(Product.id.in_(select(Routing.product_id)))
                                  .order_by(Product.sku)))
    finally:
        engine.dispose()
    return keys, customers, skus, report.rows.get("orders", 0), partners


async def statements_per_page(url: str, key: str) -> dict[str, Any]:
    """Statements one page costs, counted in-process on each app's engine: GraphQL for 10 and 50, plain for 50."""
    api, plain = create_app(Settings(database_url=url)), create_plain_app(Settings(database_url=url))
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    async def count(app: Any, send: Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]) -> int:
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
                assert (await send(http)).status_code == 200  # warm: first-connection lookups are not per page
                seen.clear()
                response = await send(http)
                assert response.status_code == 200 and "errors" not in response.json(), response.text
                return len(seen)
        finally:
            event.remove(app.state.engine.sync_engine, "before_cursor_execute", record)

    auth = {"Authorization": f"Bearer {key}"}

    def graphql(first: int) -> Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]:
        return lambda http: http.post("/graphql", json={"query": PAGE, "variables": {"first": first}}, headers=auth)

    try:
        first_10, first_50 = await count(api, graphql(10)), await count(api, graphql(50))
        plain_50 = await count(plain, lambda http: http.get("/orders", params={"first": 50}, headers=auth))
    finally:
        await api.state.broker.close()
        await api.state.engine.dispose()
        await plain.state.engine.dispose()
    return {"graphql_first_10": first_10, "graphql_first_50": first_50, "constant": first_10 == first_50,
            "plain_first_50": plain_50}


async def measure(work: Workload, clients: int, seconds: float, paced_rate: float, client: str) -> dict[str, Any]:
    meter = work.meter
    async with http_client(client, clients) as http:
        log("warming up")
        for request, server in ((work.plain_page, work.plain), (work.graphql_page, work.api)):
            await drive(http, request, server, meter, min(clients, 10), 2.0)
        pages: dict[str, list[Run]] = {"plain": [], "graphql": []}
        for round_no in (1, 2):  # alternated, so a burst of other work on the machine hits both alike
            log(f"pages, round {round_no}: {clients} clients, {seconds / 2:.0f} s each")
            pages["plain"].append(await drive(http, work.plain_page, work.plain, meter, clients, seconds / 2))
            pages["graphql"].append(await drive(http, work.graphql_page, work.api, meter, clients, seconds / 2))
        log(f"createOrder: {clients} clients, {seconds:.0f} s")
        work.lock_log.take()
        server_log = work.lock_log.server or LockLog(work.lock_log.prefix, with_server=False)
        server_log.take()
        creates = await drive(http, work.create_order, work.api, meter, clients, seconds)
        await asyncio.sleep(0.2)
        creates_lock_hold, creates_lock_hold_server = work.lock_log.take(), server_log.take()
        statuses, work.statuses = work.statuses, {}
        log(f"createOrder: {clients} clients sending {paced_rate:g} orders/s in all, {seconds:.0f} s")
        paced = await drive(http, work.create_order, work.api, meter, clients, seconds, rate=paced_rate)
        work.statuses = {}
        single_seconds = min(5.0, seconds / 4)
        log(f"one client, {single_seconds:.0f} s each")
        single = {name: (await drive(http, request, server, meter, 1, single_seconds)).summary()
                  for name, request, server in (("plain_page", work.plain_page, work.plain),
                                                ("graphql_page", work.graphql_page, work.api),
                                                ("create_order", work.create_order, work.api))}
    plain, graphql = merged(pages["plain"]).summary(), merged(pages["graphql"]).summary()
    created = creates.summary()
    return {
        "graphql_page": graphql, "plain_page": plain, "create_order": {**created, "statuses": statuses},
        "single_client": single, "failures_by_reason": work.problems,
        "page_ratio": {
            "rps": round(plain["rps"] / graphql["rps"], 2),
            "server_cpu_per_request": round(graphql["server_cpu_ms_per_request"]
                                            / plain["server_cpu_ms_per_request"], 2),
            "p50_single_client": round(single["graphql_page"]["p50_ms"] / single["plain_page"]["p50_ms"], 2),
        },
        "create_order_paced": {"target_rps": paced_rate, **paced.summary()},
        "ledger_lock_hold_creates_1_process": {"transactions": len(creates_lock_hold),
                                               **percentiles(creates_lock_hold)},
        "ledger_lock_hold_server_creates_1_process": {"transactions": len(creates_lock_hold_server),
                                                      **percentiles(creates_lock_hold_server)},
        "create_order_cpu_ms": created["server_cpu_ms_per_request"],
        "create_order_p95_ms_paced": paced.summary()["p95_ms"],
        "create_order_p95_ms_single_client": single["create_order"]["p95_ms"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="per scenario (the pages and the mixed closed loops run in two halves)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--paced-rps", type=float, default=20.0,
                        help="orders/s the clients send in all in the paced createOrder run (each on a schedule)")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="the load generator's HTTP client (bench/lean_http.py, or httpx.AsyncClient)")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop",
                        help="the load generator's event loop")
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server  # fresh_database creates its database on this server
    # SIGTERM unwinds like Ctrl-C, so the servers are stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_start = os.getloadavg()
    result: dict[str, Any] = {"bench": "api", "size": args.size, "clients": args.clients,
                              "seconds_per_scenario": args.seconds, "cpus": os.cpu_count(),
                              "load_generator": {"client": args.client, "loop": args.loop}}
    run = uvloop.run if args.loop == "uvloop" else asyncio.run
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        started = time.perf_counter()
        keys, customers, skus, orders, partners = prepare(url, args.size)
        result.update(orders_in_database=orders, load_seconds=round(time.perf_counter() - started, 1))
        log(f"{args.size} plant loaded: {orders} orders, {len(customers)} customers, {len(skus)} routed skus")
        result["sql_statements_per_page"] = asyncio.run(statements_per_page(url, keys["viewer"]))
        meter = CpuMeter(str(make_url(url).database))
        env = {"SOP_DATABASE_URL": url, "SOP_LEDGER_LOCK_LOG": str(Path(tmp) / "lock-api")}
        with (uvicorn_server("api.app:create_app", env, Path(tmp), name="api") as api,
              uvicorn_server("bench.plain_orders_app:create_app", env, Path(tmp), name="plain") as plain):
            work = Workload(api, plain, keys, customers, skus, LockLog(Path(tmp) / "lock-api"), meter)
            try:
                result.update(run(measure(work, args.clients, args.seconds, args.paced_rps, args.client)))
            finally:
                if work.problems:
                    for server in (api, plain):
                        log(f"{server.log.name} (last lines):\n{server.log_tail(80)}")
        prefixes = {n: Path(tmp) / f"lock-workers-{n}" for n in (1, 2)}
        log("partners' creates, updates and cancels: sop serve --workers 1 and --workers 2, side by side")
        with (sop_serve(1, {**env, "SOP_LEDGER_LOCK_LOG": str(prefixes[1])}, Path(tmp), name="serve-1") as one,
              sop_serve(2, {**env, "SOP_LEDGER_LOCK_LOG": str(prefixes[2])}, Path(tmp), name="serve-2") as two):
            result.update(run(mixed_phase(one, two, partners, skus, args.clients, args.seconds,
                                          {n: LockLog(p) for n, p in prefixes.items()}, meter, args.client, url)))
        result["sop_check"] = sop_check(url)
    ratio = result["page_ratio"]
    result["cpu_ms_per_request"] = {  # the issue 15 scenarios side by side
        "create_single_client": result["single_client"]["create_order"]["cpu_ms_per_request"],
        "create_paced": result["create_order_paced"]["cpu_ms_per_request"],
        "create_closed_loop_1_process": result["create_order"]["cpu_ms_per_request"],
        "mixed_closed_loop_workers_1": result["partners_mixed_workers_1"]["cpu_ms_per_request"],
        "mixed_closed_loop_workers_2": result["partners_mixed_workers_2"]["cpu_ms_per_request"],
    }
    result.update(
        page_ratio_target=PAGE_RATIO_TARGET,
        page_ratio_ok=max(ratio["rps"], ratio["server_cpu_per_request"]) <= PAGE_RATIO_TARGET,
        create_order_p95_target_ms=CREATE_P95_TARGET_MS,
        create_order_p95_ok_single_client=result["create_order_p95_ms_single_client"] <= CREATE_P95_TARGET_MS,
        create_order_p95_ok_under_load=result["create_order_p95_ms"] <= CREATE_P95_TARGET_MS,
        create_order_p95_ok_paced=result["create_order_p95_ms_paced"] <= CREATE_P95_TARGET_MS,
        **issue_15_verdicts(result),
        loadavg_start=[round(x, 2) for x in load_start], loadavg_end=[round(x, 2) for x in os.getloadavg()],
        note="2 shared cores; load generator on the same cores; closed-loop clients, so latency under load is "
             "mostly queueing (clients / rps); server CPU excludes PostgreSQL's own backends "
             "(cpu_ms_per_request has them)",
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
