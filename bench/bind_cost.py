"""CPU of binding and adapting createOrder's statements, per statement, unprofiled (one_message.bound, then psycopg).

Drives `--orders` createOrder requests on a fresh PostgreSQL database with the demo plant (`--size`, default small),
records the (statement, values) one_message.bound was called with, then times each call alone: bound (SQLAlchemy's
compiled form to psycopg's SQL and values), psycopg's client-side adaptation of the values (mogrify, what a
simple-query message costs) and its server-side one (what an extended-protocol execute would dump instead).
Usage: .venv/bin/python bench/bind_cost.py [--size small] [--orders 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg._queries import PostgresQuery
from psycopg.adapt import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import profile_create
from bench.api import Workload, prepare
from domain.capacity import one_message
from tests.dbutil import fresh_database

REPEAT = 100


def _cpu_us(call: Any) -> float:
    started = time.process_time()
    for _ in range(REPEAT):
        call()
    return (time.process_time() - started) / REPEAT * 1e6


async def _adaptation(url: str, calls: list[tuple[Any, Any, dict[str, Any]]]) -> dict[str, list[float]]:
    connection = await psycopg.AsyncConnection.connect(url.replace("postgresql+psycopg", "postgresql"))
    cursor = psycopg.AsyncClientCursor(connection)
    by: dict[str, list[float]] = {}
    try:
        for dialect, statement, params in calls:
            sql, values = one_message.bound(dialect, statement, params)
            by.setdefault(" ".join(str(statement).split())[:48], []).extend([
                _cpu_us(lambda: one_message.bound(dialect, statement, params)),  # noqa: B023 (timed at once)
                _cpu_us(lambda: cursor.mogrify(sql, values)),  # noqa: B023
                _cpu_us(lambda: PostgresQuery(Transformer(connection)).convert(sql, values))])  # noqa: B023
    finally:
        await connection.close()
    return by


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="small")
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    calls: list[tuple[Any, Any, dict[str, Any]]] = []
    original = one_message.bound

    def recorded(dialect: Any, statement: Any, params: Any) -> tuple[str, dict[str, Any]]:
        calls.append((dialect, statement, dict(params)))
        return original(dialect, statement, params)

    one_message.bound = recorded  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        keys, customers, skus, _, _ = prepare(url, args.size)
        work = Workload(None, None, keys, customers, skus, None, None)  # type: ignore[arg-type]
        asyncio.run(profile_create.drive(url, keys["planner"], work, 5, args.orders, None))
        one_message.bound = original  # type: ignore[assignment]
        by = asyncio.run(_adaptation(args.server, calls[-5 * args.orders:]))
    statements = {name: {"calls": len(times) // 3,
                         **{part: round(sum(times[i::3]) / (len(times) // 3), 1)
                            for i, part in enumerate(("bound_us", "mogrify_us", "server_dump_us"))}}
                  for name, times in by.items()}
    print(json.dumps({"bench": "bind_cost", "size": args.size, "orders": args.orders, "statements": statements,
                      "load": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
