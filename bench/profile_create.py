"""Profile createOrder in-process (cProfile): where the server CPU of one create goes, split by stage.

Creates a fresh PostgreSQL database, loads the demo plant (`--size`, default medium), drives `--orders`
createOrder requests one after another through the ASGI app (httpx ASGITransport: no sockets, the same
app `sop serve` runs) after a warm-up, and prints the split per create (HTTP + GraphQL, auth, facts, rules,
CTP, writes, commit) as one JSON line, with the same run's baseline: a signed-in `{ __typename }` (the floor of HTTP,
GraphQL and sign-in) and the create's ratio to it; `--out` keeps the cProfile stats (pstats) and a text summary.
Usage: .venv/bin/python bench/profile_create.py [--size medium] [--orders 300] [--out bench/profiles/create]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import importlib
import inspect
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.api import CREATE, Workload, prepare
from domain.capacity import commit, one_message
from domain.config import Settings
from tests.dbutil import fresh_database

# Stage -> (module, attribute) wrapped with a CPU timer for the timed run. Stages nest (rules and CTP run inside
# assess): each counts its own time, less the stages inside it. What is left of a request is HTTP + GraphQL.
STAGES: dict[str, list[tuple[str, str]]] = {
    "auth": [("api.core.view", "sign_in")],
    "facts": [("domain.orders.review", "_prepare"), ("domain.orders.review", "assess"),
              ("domain.orders.review", "review_result")],
    "rules": [("rules.book", "RuleBook.review"), ("rules.book", "RuleBook.rush"), ("rules.book", "RuleBook.priority"),
              ("rules.book", "RuleBook.capacity_policy")],
    "ctp": [("domain.orders.assess", "promise_order"), ("domain.orders.assess", "build_ctp")],
    "writes": [("domain.orders.review", "keyed_change")],  # the use case: what is not facts, rules, CTP, commit
    "commit": [("sqlalchemy.ext.asyncio.session", "AsyncSession.commit")],
}


class StageTimer:
    """Process CPU per stage, exclusive of nested stages; valid because the timed requests run one at a time."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {stage: 0.0 for stage in STAGES}
        self.stack: list[list[float]] = []  # [start, time of nested stages]

    def wrap(self, stage: str, fn: Any) -> Any:
        timer = self

        def enter() -> None:
            timer.stack.append([time.process_time(), 0.0])

        def leave() -> None:
            started, nested = timer.stack.pop()
            spent = time.process_time() - started
            timer.totals[stage] += spent - nested
            if timer.stack:
                timer.stack[-1][1] += spent

        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                enter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    leave()
            return timed_async

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            enter()
            try:
                return fn(*args, **kwargs)
            finally:
                leave()
        return timed

    def install(self) -> None:
        for stage, targets in STAGES.items():
            for module_name, attribute in targets:
                owner: Any = importlib.import_module(module_name)
                *path, name = attribute.split(".")
                for part in path:
                    owner = getattr(owner, part)
                setattr(owner, name, self.wrap(stage, getattr(owner, name)))


async def client_only(work: Workload, orders: int) -> float:
    """CPU of the client side alone: the same requests to an app that answers at once."""
    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": CANNED})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=answer), base_url="http://bench") as http:
        cpu = time.process_time()
        for _ in range(orders):
            response = await http.post("/graphql", json={"query": CREATE, "variables": {"input": work.order_input()}},
                                       headers={"Authorization": "Bearer x"})
            response.json()
        return time.process_time() - cpu


async def floor_only(url: str, key: str, orders: int, warm: int) -> float:
    """Server CPU of the cheapest signed-in request, `{ __typename }`, through the same app (sign-in, HTTP, GraphQL):
    the baseline a create cannot go below, measured in the same run."""
    app = create_app(Settings(database_url=url))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def one() -> None:
                response = await http.post("/graphql", json={"query": "{ __typename }"},
                                           headers={"Authorization": f"Bearer {key}"})
                assert response.json() == {"data": {"__typename": "Query"}}, response.text

            for _ in range(warm):
                await one()
            cpu = time.process_time()
            for _ in range(orders):
                await one()
            return time.process_time() - cpu
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()


STATEMENTS: list[str] = []  # the SQL of one create (after the warm-up)
CANNED = json.dumps({"data": {"createOrder": {"order": {"code": "X", "status": "ACCEPTED", "version": 1},
                                              "errors": []}}}).encode()


async def drive(url: str, key: str, work: Workload, warm: int, orders: int, profile: cProfile.Profile | None,
                timer: StageTimer | None = None) -> tuple[float, float, dict[str, int]]:
    app = create_app(Settings(database_url=url))
    statuses: dict[str, int] = {}
    seen: list[str] = []
    event.listen(app.state.engine.sync_engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: seen.append(" ".join(statement.split())[:150]))
    # Statements sent as one message (domain/capacity/one_message.py, commit.py) are not SQLAlchemy's: each is listed
    # with the message's number, so the SQL shows the round trips (a "+ message" one per message).
    sends = {module: module.send for module in (one_message, commit)}

    def recorded(module: Any) -> Any:
        async def send(cursor: Any, message: list[str]) -> None:
            seen.append(f"+ message of {len(message)}")
            seen.extend(f"  in it: {' '.join(statement.split())[:140]}" for statement in message)
            await sends[module](cursor, message)
        return send

    for module in sends:
        module.send = recorded(module)
    execute = one_message.execute  # one_message.fetch_one's statements (bound on the server): one round trip each

    async def recorded_execute(cursor: Any, sql: str, values: Any) -> None:
        seen.append(" ".join(sql.split())[:150])
        await execute(cursor, sql, values)

    one_message.execute = recorded_execute  # type: ignore[assignment]
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def one() -> None:
                await work.create_in_process(http, key, statuses)

            for _ in range(warm):
                await one()
            statuses.clear()
            seen.clear()
            await one()
            if not STATEMENTS:  # the first run's, after its warm-up (every run warms up: caches start empty)
                STATEMENTS[:] = seen
            statuses.clear()
            if timer is not None:  # the warm-up's stages are not the timed run's
                timer.totals = dict.fromkeys(timer.totals, 0.0)
            cpu, wall = time.process_time(), time.perf_counter()
            if profile is not None:
                profile.enable()
            for _ in range(orders):
                await one()
            if profile is not None:
                profile.disable()
            return time.process_time() - cpu, time.perf_counter() - wall, statuses
    finally:
        for module, send in sends.items():
            module.send = send
        one_message.execute = execute  # type: ignore[assignment]
        await app.state.broker.close()
        await app.state.engine.dispose()


def _statements(statements: list[str]) -> int:
    """Every statement, those in a message too (the COMMIT of the commit's message counted as one)."""
    return sum(1 for s in statements if not s.startswith("+ message"))


def round_trips(statements: list[str]) -> int:
    """SQLAlchemy's statements one each, a message one however many statements it holds."""
    return sum(1 for s in statements if not s.startswith("  in it: "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30)
    parser.add_argument("--out", type=Path, help="prefix of the .pstats and .txt files to keep")
    parser.add_argument("--plain", action="store_true",
                        help="the unprofiled run only (for a sampling profiler such as py-spy outside the process)")
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        keys, customers, skus, _, _ = prepare(url, args.size)
        work = Workload(None, None, keys, customers, skus, None, None)  # type: ignore[arg-type]
        # Unprofiled and untimed first (the client's CPU is in the same process: measured alone below).
        plain_cpu, plain_wall, _ = asyncio.run(drive(url, keys["planner"], work, args.warm, args.orders, None))
        if args.plain:
            print(json.dumps({"bench": "profile_create", "size": args.size, "orders": args.orders, "plain": True,
                              "server_cpu_ms_per_create_with_client": round(1000 * plain_cpu / args.orders, 2),
                              "wall_ms_per_create": round(1000 * plain_wall / args.orders, 2),
                              "sql_statements_per_create": _statements(STATEMENTS),
                              "round_trips_per_create": round_trips(STATEMENTS),
                              "load": [round(x, 2) for x in os.getloadavg()]}))
            return
        client_cpu = asyncio.run(client_only(work, args.orders))
        floor_cpu = asyncio.run(floor_only(url, keys["planner"], args.orders, args.warm))
        profile = cProfile.Profile(time.process_time)  # CPU only: waits on PostgreSQL are not the work
        asyncio.run(drive(url, keys["planner"], work, args.warm, args.orders, profile))
        timer = StageTimer()
        timer.install()
        cpu, _, statuses = asyncio.run(drive(url, keys["planner"], work, args.warm, args.orders, None, timer))
    stats = pstats.Stats(profile)
    server = 1000 * (cpu - client_cpu) / args.orders
    split = {stage: round(1000 * spent / args.orders, 2) for stage, spent in timer.totals.items()}
    split["http_graphql"] = round(server - sum(split.values()), 2)
    result: dict[str, Any] = {
        "bench": "profile_create", "size": args.size, "orders": args.orders, "statuses": statuses,
        "server_cpu_ms_per_create": round(1000 * (plain_cpu - client_cpu) / args.orders, 2),
        "client_cpu_ms_per_create": round(1000 * client_cpu / args.orders, 2),
        "wall_ms_per_create": round(1000 * plain_wall / args.orders, 2),
        "split_ms_timed": split,
        "sql_statements_per_create": _statements(STATEMENTS),
        "round_trips_per_create": round_trips(STATEMENTS),
        # The baseline of the same run: a signed-in `{ __typename }` (its client side counted as a create's).
        "floor_cpu_ms_per_request": round(1000 * (floor_cpu - client_cpu) / args.orders, 2),
        "create_over_floor": round((plain_cpu - client_cpu) / max(floor_cpu - client_cpu, 1e-9), 2),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(f"{args.out}.pstats")
        text = io.StringIO()
        pstats.Stats(f"{args.out}.pstats", stream=text).sort_stats("cumulative").print_stats(60)
        sql = "\n".join(STATEMENTS)
        Path(f"{args.out}.txt").write_text(f"{json.dumps(result)}\n\nSQL of one create:\n{sql}\n\n{text.getvalue()}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
