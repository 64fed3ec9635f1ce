"""A database that is down, restarted or slow: HTTP 503 UNAVAILABLE with Retry-After, never a 500 or INTERNAL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import Connection, Engine, text
from starlette.applications import Starlette

from domain.db import async_engine
from domain.outage import database_unavailable
from tests.e2e.api.conftest import METRICS_AUTH, Plant, serving
from tests.ports import free_port

LINES = "{ productionLines { code } }"
A_KEY = "sop_abcdefgh_0123456789"  # well-formed, so the key check asks the database
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { code version status } errors { code message } } }"""


def only_postgres(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to lose, no pooled backends, no lock/statement timeouts")


def client_of(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def post(http: httpx.AsyncClient, key: str, query: str, variables: dict[str, Any] | None = None
               ) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": variables or {}},
                           headers={"Authorization": f"Bearer {key}"})


def assert_unavailable(response: httpx.Response, retry_after: int) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == str(retry_after)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAVAILABLE"], body
    assert "retry" in body["errors"][0]["message"].lower(), body


@pytest.mark.parametrize("retry_after", [2, 7])
async def test_key_check_on_a_database_that_refuses_connections_is_503(retry_after: int) -> None:
    # Tried: an app whose SOP_DATABASE_URL is PostgreSQL on a free local port (connection refused), a query and
    # a mutation with a well-formed key (the key check is the first thing that needs the database),
    # Retry-After of 2 (the default) and 7.
    url = f"postgresql://sop@127.0.0.1:{free_port()}/sop"
    overrides = {} if retry_after == 2 else {"retry_after_seconds": retry_after}
    async with serving(url, **overrides) as app, client_of(app) as http:
        for query in (LINES, "mutation { reloadRules { errors { code } } }"):
            assert_unavailable(await post(http, A_KEY, query), retry_after)
        metrics = (await http.get("/metrics", headers=METRICS_AUTH)).text
    assert 'code="UNAVAILABLE"' in metrics


async def test_an_error_from_a_refused_connection_is_classed_unavailable() -> None:
    # Tried: the error SQLAlchemy raises when psycopg's connection is refused; a wrong statement is not.
    engine = async_engine(f"postgresql://sop@127.0.0.1:{free_port()}/sop")
    try:
        with pytest.raises(Exception) as refused:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert database_unavailable(refused.value)
    assert not database_unavailable(ValueError("a bug of ours"))


async def cancel_while_locked(db: Engine, http: httpx.AsyncClient, key: str, code: str
                              ) -> tuple[int, httpx.Response, float]:
    """cancelOrder on `code` while another transaction holds its row: its version before, the answer, seconds."""
    version = await order_version(http, key, code)
    with order_row_locked(db, code):
        started = time.monotonic()
        response = await post(http, key, CANCEL, {"input": {"code": code, "expectedVersion": version}})
        return version, response, time.monotonic() - started


def backend_pids(db: Engine) -> set[int]:
    with db.connect() as conn:
        rows = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid()"))
        return {int(pid) for (pid,) in rows}


def terminate(db: Engine, pid: int) -> None:
    """Kill one backend, as a database restart does, and wait until it is gone."""
    with db.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 5
    while pid in backend_pids(db) and time.monotonic() < deadline:
        time.sleep(0.05)


async def test_a_pooled_connection_killed_while_idle_costs_no_request(db: Engine, db_url: str, plant: Plant) -> None:
    # Tried: a query (pools one connection), pg_terminate_backend on that connection's backend from another
    # connection, the same query again. Control: an engine without pre-ping fails on its killed connection.
    only_postgres(db_url)
    async with serving(db_url) as app, client_of(app) as http:
        assert (await post(http, plant.keys["viewer"], LINES)).status_code == 200
        async with app.state.engine.connect() as conn:  # the one idle pooled connection
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        terminate(db, pid)
        again = await post(http, plant.keys["viewer"], LINES)
        assert again.status_code == 200, again.text
        assert "errors" not in again.json()

    control = async_engine(db_url, pool_pre_ping=False)
    try:
        async with control.connect() as conn:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
        terminate(db, pid)
        with pytest.raises(Exception) as killed:
            async with control.connect() as conn:
                await conn.execute(text("SELECT 1"))
        assert database_unavailable(killed.value)  # what a client got before pre-ping, now mapped to 503
    finally:
        await control.dispose()


async def test_a_checkout_sends_no_statement_of_its_own(db: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    # Tried: the API's engine with one pooled connection, then `SELECT 1` on it again, counting what psycopg sends.
    # The dead-connection check at checkout looks at the socket (domain/pool_check.py): one statement, not a
    # pre-ping and the statement.
    only_postgres(db_url)
    engine = async_engine(db_url)
    sent: list[str] = []
    real = psycopg.AsyncCursor.execute

    async def counted(self: psycopg.AsyncCursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return await real(self, query, *args, **kwargs)

    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        monkeypatch.setattr(psycopg.AsyncCursor, "execute", counted)
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT 1")) == 1
        assert sent == ["SELECT 1"], sent
    finally:
        await engine.dispose()


@contextmanager
def order_row_locked(db: Engine, code: str) -> Iterator[Connection]:
    """Another transaction holding the order's row lock until the block ends."""
    with db.connect() as conn, conn.begin():
        conn.execute(text("SELECT id FROM orders WHERE code = :code FOR UPDATE"), {"code": code})
        yield conn


async def order_version(http: httpx.AsyncClient, key: str, code: str) -> int:
    answer = (await post(http, key, "query($c: String!) { order(code: $c) { version } }", {"c": code})).json()
    return int(answer["data"]["order"]["version"])


@pytest.mark.parametrize(("limit", "settings"), [
    ("lock_timeout", {"lock_timeout_ms": 300, "statement_timeout_ms": 60_000}),
    ("statement_timeout", {"lock_timeout_ms": 60_000, "statement_timeout_ms": 300}),
])
async def test_an_order_write_on_a_locked_row_times_out_unavailable(
    db: Engine, db_url: str, plant: Plant, limit: str, settings: dict[str, int]
) -> None:
    # Tried: cancelOrder on ORD-0-1 while another transaction holds its row FOR UPDATE, with a 300 ms
    # lock_timeout (statement_timeout 60 s) and then a 300 ms statement_timeout (lock_timeout 60 s).
    only_postgres(db_url)
    key = plant.keys["admin"]
    async with serving(db_url, **settings) as app, client_of(app) as http:
        version, response, took = await cancel_while_locked(db, http, key, "ORD-0-1")
        assert_unavailable(response, 2)
        assert took < 3, f"{limit}: waited {took:.1f} s on a 300 ms limit"
        assert await order_version(http, key, "ORD-0-1") == version  # rolled back: nothing written
        # The lock gone, the same request goes through.
        done = (await post(http, key, CANCEL, {"input": {"code": "ORD-0-1", "expectedVersion": version}})).json()
        assert done["data"]["cancelOrder"]["order"]["status"] == "CANCELLED", done


async def test_a_query_blocked_by_a_table_lock_is_unavailable_not_internal(
    db: Engine, db_url: str, plant: Plant
) -> None:
    # Tried: productionLines while another transaction holds production_lines in ACCESS EXCLUSIVE mode, with a
    # 300 ms lock_timeout: the key check passes, the resolver's read times out mid-execution.
    only_postgres(db_url)
    async with serving(db_url, lock_timeout_ms=300) as app, client_of(app) as http:
        with db.connect() as conn, conn.begin():
            conn.execute(text("LOCK TABLE production_lines IN ACCESS EXCLUSIVE MODE"))
            response = await post(http, plant.keys["viewer"], LINES)
        assert_unavailable(response, 2)


async def test_a_request_past_its_deadline_is_stopped_and_does_not_commit_later(
    db: Engine, db_url: str, plant: Plant
) -> None:
    # Tried: cancelOrder on a row another transaction holds, with lock and statement timeouts of 60 s and a
    # request deadline of 0.5 s; then the lock is released and we look whether the cancel committed after all.
    only_postgres(db_url)
    key = plant.keys["admin"]
    settings = {"lock_timeout_ms": 60_000, "statement_timeout_ms": 60_000, "request_timeout_seconds": 0.5}
    async with serving(db_url, **settings) as app, client_of(app) as http:
        version, response, took = await cancel_while_locked(db, http, key, "ORD-0-2")
        assert_unavailable(response, 2)
        assert "0.5 s" in response.json()["errors"][0]["message"]
        assert took < 3, f"the 0.5 s deadline answered after {took:.1f} s"
        await asyncio.sleep(0.5)  # time for a write that was not stopped to commit once the lock is gone
        assert await order_version(http, key, "ORD-0-2") == version
