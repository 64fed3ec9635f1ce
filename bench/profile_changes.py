"""Profile a partner's createOrder, updateOrder and cancelOrder in-process: server CPU and SQL statements per kind.

The mixed closed loop of bench/api.py (creates, updates and cancels as partners send them) costs the servers about
twice a create per request; this says which kind costs what. Creates a fresh PostgreSQL database, loads the demo
plant (`--size`, default medium), then through the ASGI app (httpx ASGITransport: no sockets, the app `sop serve`
runs), one request at a time with a partner key: `--orders` creates, an update of each (new requested date), a
cancel of each, after a warm-up of the same. Prints one JSON line: CPU ms per request of each kind (the client's
share measured alone and taken off), statements per request (SQLAlchemy's: those sent on the raw connection by
domain/capacity/one_message.py and commit.py are not among them) and round trips per request (SQLAlchemy's
statements plus the messages one_message.py and commit.py send), and with `--out` the cProfile stats of each kind
(<out>-<kind>.pstats and a text summary), and the split of each kind's server CPU by stage (auth, facts, rules, CTP,
writes, commit; the rest is HTTP + GraphQL), timed as bench/profile_create.py times a create's.

A/B: `--ab TREE [TREE ...]` loads the plant once, then runs each checkout's code in turn (`--rounds` times,
alternated) in a child process on its own copy of that database (CREATE DATABASE ... TEMPLATE), with this file's
driver; one JSON line per run, with its tree and round (with `--out`, each run's cProfile too, and its Python
function calls per request). Usage:
  .venv/bin/python bench/profile_changes.py [--size medium] [--orders 150] [--out bench/profiles/changes]
  .venv/bin/python bench/profile_changes.py --ab /work/main . --rounds 2 --orders 100
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import importlib
import io
import json
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, event, make_url, text

# The checkout whose code is profiled: this one, or an A/B child's (PROFILE_TREE), imported before any other.
sys.path.insert(0, os.environ.get("PROFILE_TREE") or str(Path(__file__).resolve().parent.parent))

from api.app import create_app
from bench.api import prepare
from bench.partner_load import CANCEL, CREATE, UPDATE
from bench.profile_create import StageTimer
from domain.capacity import commit, one_message
from domain.config import Settings
from tests.dbutil import fresh_database

KINDS = ("create", "update", "cancel")
QUERIES = {"create": CREATE, "update": UPDATE, "cancel": CANCEL}
# Stage -> (module, attribute) of an update's and a cancel's path (as imported by changes.py), timed as
# bench/profile_create.py times a create's; nested stages are subtracted, the rest of a request is HTTP + GraphQL.
CHANGE_STAGES: dict[str, list[tuple[str, str]]] = {
    "auth": [("api.core.view", "sign_in")],
    "facts": [("domain.orders.changes", name) for name in (
        "order_to_change", "order_to_change_with", "refuse_while_negotiating", "refuse_frozen", "load_lines",
        "order_customer", "_new_terms", "holding_of", "assess", "review_result", "open_negotiation")],
    "rules": [("rules.book", "RuleBook.review"), ("rules.book", "RuleBook.rush"), ("rules.book", "RuleBook.priority"),
              ("rules.book", "RuleBook.capacity_policy")],
    "ctp": [("domain.orders.assess", "promise_order"), ("domain.orders.assess", "build_ctp")],
    "writes": [("domain.orders.changes", "keyed_change")],  # the use case: what is not facts, rules, CTP, commit
    "commit": [("domain.orders.keyed", "commit")],
}


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
        self.timer: StageTimer | None = None  # the stages' CPU, when split
        self.split = {k: dict.fromkeys(CHANGE_STAGES, 0.0) for k in KINDS}


async def run(url: str, key: str, customers: list[str], skus: list[str], orders: int, warm: int,
              kinds: Kinds) -> None:
    app = create_app(Settings(database_url=url))
    rng = random.Random(7)
    serial = iter(range(10**9))
    tag = f"PC-{os.getpid()}-{id(kinds)}"  # each run its own codes (customer references)

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
                stages = dict(kinds.timer.totals) if kinds.timer is not None else {}
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
                    if kinds.timer is not None:
                        for stage, spent in kinds.timer.totals.items():
                            kinds.split[kind][stage] += spent - stages[stage]
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


def measure(url: str, key: str, customers: list[str], skus: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """The timed run on a loaded database: one JSON result (and, with --out, the cProfile of a second run)."""
    plain = Kinds(profiled=False)
    asyncio.run(run(url, key, customers, skus, args.orders, args.warm, plain))
    client_ms = 1000 * asyncio.run(client_only(args.orders))
    split = Kinds(profiled=False)
    split.timer = StageTimer()
    split.timer.totals = dict.fromkeys(CHANGE_STAGES, 0.0)
    installed = _install(split.timer)
    try:
        asyncio.run(run(url, key, customers, skus, args.orders, args.warm, split))
    finally:
        for owner, name, real in installed:
            setattr(owner, name, real)
    profiled = Kinds(profiled=args.out is not None)
    if args.out is not None:
        asyncio.run(run(url, key, customers, skus, args.orders, args.warm, profiled))

    def server_ms(k: str) -> float:
        return 1000 * plain.cpu[k] / plain.requests[k] - client_ms

    result: dict[str, Any] = {
        "bench": "profile_changes", "size": args.size, "orders": args.orders,
        "server_cpu_ms": {k: round(server_ms(k), 2) for k in KINDS},
        "of_which_system_ms": {k: round(1000 * plain.system[k] / plain.requests[k], 2) for k in KINDS},
        "client_cpu_ms": round(client_ms, 2),
        "sql_statements": {k: round(plain.statements[k] / plain.requests[k], 1) for k in KINDS},
        "round_trips": {k: round(plain.trips[k] / plain.requests[k], 1) for k in KINDS},
        # The split run's stages per request; http_graphql is what is left of its (timed) request's server CPU.
        "split_ms": {k: {**{stage: round(1000 * spent / split.requests[k], 2)
                            for stage, spent in split.split[k].items()},
                         "http_graphql": round(1000 * (split.cpu[k] - sum(split.split[k].values())) / split.requests[k]
                                               - client_ms, 2)} for k in ("update", "cancel")},
        "mix_60_25_15_ms": round(sum(share * server_ms(k) for k, share in zip(KINDS, (0.6, 0.25, 0.15), strict=True)),
                                 2),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        text_out = io.StringIO()
        calls = {}
        for kind, profile in profiled.profiles.items():
            path = f"{args.out}-{kind}.pstats"
            profile.dump_stats(path)
            calls[kind] = round(pstats.Stats(path).total_calls / profiled.requests[kind])  # type: ignore[attr-defined]
            text_out.write(f"\n==== {kind} ====\n")
            pstats.Stats(path, stream=text_out).sort_stats("cumulative").print_stats(70)
        sql = "".join(f"\nSQL of one {k} (SQLAlchemy's statements):\n" + "\n".join(v) + "\n"
                      for k, v in plain.sql.items())
        result["python_calls"] = calls  # function calls per request (cProfile; the client's share included)
        Path(f"{args.out}.txt").write_text(f"{json.dumps(result)}\n{sql}{text_out.getvalue()}")
    return result


def _install(timer: StageTimer) -> list[tuple[Any, str, Any]]:
    """Wrap the stages' functions with the timer; what to put back."""
    installed = []
    for stage, targets in CHANGE_STAGES.items():
        for module_name, attribute in targets:
            owner: Any = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            if not hasattr(owner, name):
                continue  # a tree without it (A/B against an older checkout)
            installed.append((owner, name, getattr(owner, name)))
            setattr(owner, name, timer.wrap(stage, getattr(owner, name)))
    return installed


def ab(args: argparse.Namespace) -> None:
    """Load the plant once; each tree's code in turn, alternated, each run on its own copy of the database."""
    admin = create_engine(make_url(args.server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        _, _, skus, _, partners = prepare(url, args.size)
        template = make_url(url).database
        loaded = Path(tmp) / "loaded.json"
        loaded.write_text(json.dumps({"key": partners[0].key, "customers": partners[0].customers, "skus": skus}))
        for round_no in range(1, args.rounds + 1):
            for tree in args.ab:
                copy = f"{template}_ab"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"'))
                try:
                    head = subprocess.run(["git", "-C", tree, "log", "-1", "--format=%h"], capture_output=True,
                                          text=True, check=True).stdout.strip()
                    command = [sys.executable, __file__, "--child", str(loaded), "--database",
                               make_url(url).set(database=copy).render_as_string(hide_password=False),
                               "--size", args.size, "--orders", str(args.orders), "--warm", str(args.warm)]
                    if args.out is not None:  # each run's cProfile: <out>-<tree>-<round>
                        command += ["--out", f"{args.out}-{Path(tree).resolve().name}-{round_no}"]
                    out = subprocess.run(command, env={**os.environ, "PROFILE_TREE": str(Path(tree).resolve())},
                                         stdout=subprocess.PIPE, text=True, check=True).stdout
                    line = json.loads(out.strip().splitlines()[-1])
                    print(json.dumps({"tree": f"{Path(tree).resolve().name} {head}", "round": round_no, **line}),
                          flush=True)
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=("small", "medium", "large"), default="medium")
    parser.add_argument("--orders", type=int, default=150)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--out", type=Path, help="prefix of the .pstats and .txt files to keep")
    parser.add_argument("--server", default=os.environ.get("SOP_TEST_POSTGRES_URL",
                                                           "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--ab", nargs="+", metavar="TREE", help="checkouts whose code to run in turn (A/B)")
    parser.add_argument("--rounds", type=int, default=2, help="A/B: runs of each tree, alternated")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # A/B: the loaded plant's keys, skus
    parser.add_argument("--database", help=argparse.SUPPRESS)  # A/B: the copy to run on
    args = parser.parse_args()
    os.environ["SOP_TEST_POSTGRES_URL"] = args.server
    if args.ab:
        ab(args)
        return
    if args.child is not None:
        loaded = json.loads(args.child.read_text())
        print(json.dumps(measure(args.database, loaded["key"], loaded["customers"], loaded["skus"], args)))
        return
    with tempfile.TemporaryDirectory() as tmp, fresh_database("postgresql", Path(tmp)) as url:
        _, _, skus, _, partners = prepare(url, args.size)
        result = measure(url, partners[0].key, partners[0].customers, skus, args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
