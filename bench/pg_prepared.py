"""Bench: per request kind, what the server gets around psycopg's prepared statements (issue 15, parse/plan).

Counts, from a server's statement log (`--log`: the server runs with log_statement=all and log_line_prefix='%p '),
per createOrder, orders page, updateOrder and a page followed by an updateOrder (a mix), driven one after another
through the ASGI app in this process: ROLLBACKs, DEALLOCATE ALLs, executions of a prepared (named) statement, and
prepares (a name's first execution on a backend since its last DEALLOCATE ALL: the server parsed and planned it
again). Needs a private cluster (the log). Without `--log`, times each kind instead (wall and in-process CPU per
request, and the CPU of the bench database's backends from /proc): run it so under `flock /work/bench.lock`.
Prints one JSON line.
Usage: .venv/bin/python bench/pg_prepared.py --server postgresql://postgres@127.0.0.1:5499/test --log FILE
       [--size small] [--requests 100]   (or without --log, on any server, for the times)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.api import CREATE, PAGE, Workload, prepare
from bench.cpu_budget import postgres_cpu
from bench.partner_load import UPDATE
from domain.config import Settings
from tests.dbutil import fresh_database

LINE = re.compile(r"^(\d+) .*?LOG:\s+(statement: (?P<stmt>.*)|execute (?P<name>\S+?):)")


def mark(url: str, label: str) -> None:
    """A line in the server's log that separates the phases."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        conn.execute(text(f"SELECT 'pg_prepared {label}'"))
    engine.dispose()


def counts(lines: list[str], requests: int) -> dict[str, float]:
    """Per request: ROLLBACKs, DEALLOCATE ALLs, named executions, prepares (first use of a name per backend epoch)."""
    seen: set[tuple[str, int, str]] = set()
    epoch: dict[str, int] = {}
    total = {"rollback": 0, "deallocate_all": 0, "prepared_executions": 0, "prepares": 0}
    for line in lines:
        match = LINE.match(line)
        if match is None:
            continue
        pid = match.group(1)
        statement, name = match.group("stmt"), match.group("name")
        if statement is not None:
            if statement.strip().upper().startswith("ROLLBACK"):
                total["rollback"] += 1
            elif statement.strip().upper().startswith("DEALLOCATE ALL"):
                total["deallocate_all"] += 1
                epoch[pid] = epoch.get(pid, 0) + 1
        elif name is not None and name != "<unnamed>":
            total["prepared_executions"] += 1
            key = (pid, epoch.get(pid, 0), name)
            if key not in seen:
                seen.add(key)
                total["prepares"] += 1
    return {k: round(v / requests, 2) for k, v in total.items()}


def times(database: str, requests: int, backends: dict[int, float], cpu: float, wall: float) -> dict[str, float]:
    """Per request since (backends' CPU, process CPU, wall clock) were read."""
    after = postgres_cpu(database)[0]
    backend = sum(t - backends.get(pid, 0.0) for pid, t in after.items())
    return {"wall_ms": round(1000 * (time.perf_counter() - wall) / requests, 3),
            "in_process_cpu_ms": round(1000 * (time.process_time() - cpu) / requests, 3),
            "postgres_backend_cpu_ms": round(1000 * backend / requests, 3)}


async def drive(url: str, server: str, log: Path | None, work: Workload, requests: int) -> dict[str, Any]:
    app = create_app(Settings(database_url=url))
    codes: list[tuple[str, int]] = []
    result: dict[str, Any] = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def call(query: str, variables: dict[str, Any]) -> Any:
                response = await http.post("/graphql", json={"query": query, "variables": variables},
                                           headers={"Authorization": f"Bearer {work.keys['planner']}"})
                body = response.json()
                assert "errors" not in body, response.text
                return body["data"]

            async def create() -> None:
                order = (await call(CREATE, {"input": work.order_input()}))["createOrder"]
                assert not order["errors"], order
                codes.append((order["order"]["code"], order["order"]["version"]))

            async def page() -> None:
                await call(PAGE, {"first": 50})

            async def update() -> None:
                code, version = codes.pop(0)
                data = (await call(UPDATE, {"input": {"code": code, "expectedVersion": version,
                                                      "requestedDate": work.order_input()["requestedDate"]}}))
                assert not data["updateOrder"]["errors"], data

            async def page_and_update() -> None:
                await page()
                await update()

            kinds: list[tuple[str, Callable[[], Awaitable[None]]]] = [
                ("createOrder", create), ("orders_page", page), ("updateOrder", update),
                ("page_then_update", page_and_update)]
            for _ in range(2 * requests + 20):  # orders for the updates, and warm connections
                await create()
            for kind, one in kinds:
                for _ in range(5):
                    await one()
                if log is None:
                    database = url.rsplit("/", 1)[1]
                    started = (postgres_cpu(database)[0], time.process_time(), time.perf_counter())
                    for _ in range(requests):
                        await one()
                    result[kind] = times(database, requests, *started)
                    continue
                start = log.stat().st_size
                mark(server, f"{kind} start")
                for _ in range(requests):
                    await one()
                mark(server, f"{kind} end")
                with log.open() as f:
                    f.seek(start)
                    result[kind] = counts(f.readlines(), requests)
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="small")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--server", required=True)
    parser.add_argument("--log", type=Path, help="the server's statement log (else: times)")
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        keys, customers, skus, _, _ = prepare(url, args.size)
        work = Workload(None, None, keys, customers, skus, None, None)  # type: ignore[arg-type]
        result = asyncio.run(drive(url, args.server, args.log, work, args.requests))
    print(json.dumps({"bench": "pg_prepared", "size": args.size, "requests": args.requests, **result,
                      "loadavg": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
