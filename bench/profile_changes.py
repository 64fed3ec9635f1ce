"""Profile a partner's createOrder, updateOrder and cancelOrder in-process: server CPU and SQL statements per kind.

The mixed closed loop of bench/api.py (creates, updates and cancels as partners send them) costs the servers about
twice a create per request; this says which kind costs what. Creates a fresh PostgreSQL database, loads the demo
plant (`--size`, default medium), then through the ASGI app (httpx ASGITransport: no sockets, the app `sop serve`
runs), one request at a time with a partner key: `--orders` creates, an update of each (new requested date), a
cancel of each, after a warm-up of the same. Prints one JSON line: CPU ms per request of each kind (the client's
share measured alone and taken off), statements per request (SQLAlchemy's: those sent on the raw connection by
domain/capacity/one_message.py and commit.py are not among them) and round trips per request (SQLAlchemy's
statements plus the messages one_message.py and commit.py send), and with `--out` the cProfile stats of each kind
(<out>-<kind>.pstats and a text summary). Usage:
  .venv/bin/python bench/profile_changes.py [--size medium] [--orders 150] [--out bench/profiles/changes]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.api import prepare
from bench.partner_load import CANCEL, CREATE, UPDATE
from domain.capacity import commit, one_message
from domain.config import Settings
from tests.dbutil import fresh_database

KINDS = ("create", "update", "cancel")
QUERIES = {"create": CREATE, "update": UPDATE, "cancel": CANCEL}


class Kinds:
    """Per kind: process CPU, statements and (optionally) a cProfile of the timed requests."""

    def __init__(self, profiled: bool) -> None:
        self.cpu = dict.fromkeys(KINDS, 0.0)
        self.system = dict.fromkeys(KINDS, 0.0)  # of which the kernel's (sockets: a round trip's send and receive)
        self.requests = dict.fromkeys(KINDS, 0)
        self.statements = dict.fromkeys(KINDS, 0)
        self.trips = dict.fromkeys(KINDS, 0)
        self.messages = 0  # raw-connection messages of the request being sent (one_message.py, commit.py)
        self.profiles = {k: cProfile.Profile(time.process_time) for k in KINDS} if profiled else {}
        self.seen = 0
        self.listing: list[str] | None = None  # the statements of the request being sent, when wanted
        self.sql: dict[str, list[str]] = {}  # the first timed request's statements of each kind


async def run(url: str, key: str, customers: list[str], skus: list[str], orders: int, warm: int,
              kinds: Kinds) -> None:
    app = create_app(Settings(database_url=url))
    rng = random.Random(7)
    serial = iter(range(10**9))
    tag = f"PC-{os.getpid()}-{'p' if kinds.profiles else 'c'}"  # each run its own codes (customer references)

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        kinds.seen += 1
        if kinds.listing is not None:
            kinds.listing.append(" ".join(statement.split())[:160])

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)

    def counted(send: Any) -> Any:
        async def sent(*args: Any) -> None:
            kinds.messages += 1
            await send(*args)
        return sent

    patches = [(module, name, getattr(module, name))
               for module, name in ((one_message, "send"), (one_message, "execute"), (commit, "send"))]
    for module, name, real in patches:
        setattr(module, name, counted(real))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            async def send(kind: str, variables: dict[str, Any], timed: bool) -> dict[str, Any]:
                body = {"query": QUERIES[kind], "variables": {"input": variables}}
                headers = {"Authorization": f"Bearer {key}"}
                profile = kinds.profiles.get(kind) if timed else None
                kinds.seen = kinds.messages = 0
                kinds.listing = [] if timed and kind not in kinds.sql else None
                cpu, system = time.process_time(), os.times().system
                if profile is not None:
                    profile.enable()
                response = await http.post("/graphql", json=body, headers=headers)
                if profile is not None:
                    profile.disable()
                spent, kernel = time.process_time() - cpu, os.times().system - system
                answer = response.json()
                assert "errors" not in answer, response.text
                payload = next(iter(answer["data"].values()))
                assert not payload["errors"], response.text
                if timed:
                    kinds.cpu[kind] += spent
                    kinds.system[kind] += kernel
                    kinds.requests[kind] += 1
                    kinds.statements[kind] += kinds.seen
                    kinds.trips[kind] += kinds.seen + kinds.messages
                    if kinds.listing is not None:
                        kinds.sql[kind] = kinds.listing
                return payload["order"]  # type: ignore[no-any-return]

            def due() -> str:
                return (date.today() + timedelta(days=rng.randint(21, 70))).isoformat()

            async def round_of(n: int, timed: bool) -> None:
                held: dict[str, int] = {}
                for _ in range(n):
                    lines = [{"sku": s, "quantity": rng.randint(1, 20)} for s in rng.sample(skus, rng.randint(1, 3))]
                    order = await send("create", {"code": f"{tag}-{next(serial)}", "lines": lines,
                                                  "requestedDate": due(), "customerCode": rng.choice(customers)},
                                       timed)
                    held[order["code"]] = order["version"]
                for code, version in list(held.items()):
                    order = await send("update", {"code": code, "expectedVersion": version, "requestedDate": due()},
                                       timed)
                    held[code] = order["version"]
                for code, version in held.items():
                    await send("cancel", {"code": code, "expectedVersion": version, "reason": "bench"}, timed)

            await round_of(warm, timed=False)
            await round_of(orders, timed=True)
    finally:
        for module, name, real in patches:
            setattr(module, name, real)
        await app.state.broker.close()
        await app.state.engine.dispose()


async def client_only(orders: int) -> float:
    """CPU of the client side alone for one request: the same request to an app that answers at once."""
    canned = json.dumps({"data": {"x": {"order": {"code": "X", "status": "ACCEPTED", "version": 1},
                                        "errors": []}}}).encode()

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": canned})

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=answer), base_url="http://bench") as http:
        cpu = time.process_time()
        for i in range(orders):
            response = await http.post("/graphql", json={"query": UPDATE, "variables": {"input": {"code": str(i)}}},
                                       headers={"Authorization": "Bearer x"})
            response.json()
        return (time.process_time() - cpu) / orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--orders", type=int, default=150)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--out", type=Path, help="prefix of the .pstats and .txt files to keep")
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        _, _, skus, _, partners = prepare(url, args.size)
        partner = partners[0]
        plain = Kinds(profiled=False)
        asyncio.run(run(url, partner.key, partner.customers, skus, args.orders, args.warm, plain))
        client = client_only(args.orders)
        client_ms = 1000 * asyncio.run(client)
        profiled = Kinds(profiled=args.out is not None)
        if args.out is not None:
            asyncio.run(run(url, partner.key, partner.customers, skus, args.orders, args.warm, profiled))
    result: dict[str, Any] = {
        "bench": "profile_changes", "size": args.size, "orders": args.orders,
        "server_cpu_ms": {k: round(1000 * plain.cpu[k] / plain.requests[k] - client_ms, 2) for k in KINDS},
        "of_which_system_ms": {k: round(1000 * plain.system[k] / plain.requests[k], 2) for k in KINDS},
        "client_cpu_ms": round(client_ms, 2),
        "sql_statements": {k: round(plain.statements[k] / plain.requests[k], 1) for k in KINDS},
        "round_trips": {k: round(plain.trips[k] / plain.requests[k], 1) for k in KINDS},
        "mix_60_25_15_ms": round(sum(share * (1000 * plain.cpu[k] / plain.requests[k] - client_ms)
                                     for k, share in zip(KINDS, (0.6, 0.25, 0.15), strict=True)), 2),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text = io.StringIO()
        for kind, profile in profiled.profiles.items():
            path = f"{args.out}-{kind}.pstats"
            profile.dump_stats(path)
            text.write(f"\n==== {kind} ====\n")
            pstats.Stats(path, stream=text).sort_stats("cumulative").print_stats(70)
        sql = "".join(f"\nSQL of one {k} (SQLAlchemy's statements):\n" + "\n".join(v) + "\n"
                      for k, v in plain.sql.items())
        Path(f"{args.out}.txt").write_text(f"{json.dumps(result)}\n{sql}{text.getvalue()}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
