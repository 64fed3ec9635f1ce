"""Bench: what the load generator itself costs per request, httpx against the lean client, on asyncio and uvloop.

One API server (uvicorn, one process) over a demo plant on PostgreSQL; closed loops of `--clients` sending
createOrder (bench/api.py's requests and checks) for `--seconds` with each generator in turn, alternated over
`--rounds`, so a burst of other work on the shared machine hits all alike. Per generator: CPU ms per request of
the generator, the server, PostgreSQL's backends and other work (bench/cpu_budget.py), requests/s, failures.
Prints one JSON line last.
Usage: .venv/bin/python bench/loadgen_cost.py [--size small] [--clients 50] [--seconds 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import uvloop
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import Run, Workload, drive, log, merged, prepare
from bench.cpu_budget import CpuMeter
from bench.partner_load import LockLog, http_client
from tests.dbutil import fresh_database
from tests.e2e.multiprocess.servers import uvicorn_server

GENERATORS = (("httpx", "asyncio"), ("httpx", "uvloop"), ("lean", "asyncio"), ("lean", "uvloop"))
Runner = Callable[[Coroutine[Any, Any, Run]], Run]


async def one_run(work: Workload, client: str, clients: int, seconds: float) -> Run:
    async with http_client(client, clients) as http:
        await drive(http, work.create_order, work.api, work.meter, clients, 0.5)  # connections open, warm
        return await drive(http, work.create_order, work.api, work.meter, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium"), default="small")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    load_start = os.getloadavg()
    runs: dict[str, list[Run]] = {f"{c}/{loop}": [] for c, loop in GENERATORS}
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        keys, customers, skus, _, _ = prepare(url, args.size)
        env = {"SOP_DATABASE_URL": url}
        with uvicorn_server("api.app:create_app", env, Path(tmp), name="api") as api:
            work = Workload(api, api, keys, customers, skus, LockLog(Path(tmp) / "none"),
                            CpuMeter(str(make_url(url).database)))
            for round_no in range(1, args.rounds + 1):
                for client, loop in GENERATORS:
                    log(f"round {round_no}: {client} on {loop}, {args.clients} clients, {args.seconds:g} s")
                    runner: Runner = uvloop.run if loop == "uvloop" else asyncio.run
                    runs[f"{client}/{loop}"].append(runner(one_run(work, client, args.clients, args.seconds)))
    result: dict[str, Any] = {"bench": "loadgen_cost", "size": args.size, "clients": args.clients,
                              "seconds": args.seconds, "rounds": args.rounds}
    for name, kept in runs.items():
        summary = merged(kept).summary()
        result[name] = {k: summary[k] for k in ("requests", "failures", "rps", "p50_ms", "cpu_ms_per_request")}
    result["failures_by_reason"] = work.problems
    result["generator_ms_lean_uvloop_over_httpx_asyncio"] = round(
        result["lean/uvloop"]["cpu_ms_per_request"]["load_generator"]
        / max(result["httpx/asyncio"]["cpu_ms_per_request"]["load_generator"], 1e-9), 2)
    result.update(loadavg_start=[round(x, 2) for x in load_start],
                  loadavg_end=[round(x, 2) for x in os.getloadavg()])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
