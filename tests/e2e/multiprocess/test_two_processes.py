"""Two API processes on one PostgreSQL database: events, the replan lock and rules reloads cross between them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws
from sqlalchemy import Engine, select, text

from domain.db import session_scope
from domain.events import ORDER_EVENTS, kinds
from domain.events.postgres import PREFIX
from domain.models import Order, OrderEvent
from domain.planning.weekly import REPLAN_LOCK_KEY
from tests.e2e.multiprocess.conftest import TwoProcesses
from tests.e2e.multiprocess.servers import Server

PROTOCOL = "graphql-transport-ws"
EVENTS = "subscription { orderEvents { orderCode kind toStatus message } }"
# A probe is a PROGRESS event with this message: kinds are an enum now, so a probe uses a live word.
PROBE = "probe: subscriptions ready"
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { code status } errors { code message } } }"""
REPLAN = """mutation { replan(input: {horizonWeeks: 4}) { plan { version inForce } errors { code message } } }"""
DELIVERY_SECONDS = 10.0


async def graphql(server: Server, key: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    async with httpx.AsyncClient(base_url=server.url, timeout=60.0) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables or {}},
                                   headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, f"{response.text}\n--- server log ---\n{server.log_tail()}"
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


class Subscriber:
    """One graphql-transport-ws connection with an orderEvents subscription; probe events are skipped."""

    def __init__(self, ws: AsyncWebSocketSession) -> None:
        self.ws = ws

    async def next_event(self, timeout: float) -> dict[str, Any]:
        message = await self.ws.receive_json(timeout=timeout)
        assert message["type"] == "next", message
        event: dict[str, Any] = message["payload"]["data"]["orderEvents"]
        return event

    async def events_until(self, code: str, timeout: float = DELIVERY_SECONDS) -> list[dict[str, Any]]:
        """Every non-probe event received up to and including the first one of order `code`."""
        deadline = time.monotonic() + timeout
        seen: list[dict[str, Any]] = []
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no event of {code} within {timeout:.0f} s; received {seen}"
            event = await self.next_event(left)
            if event["message"] == PROBE:
                continue
            seen.append({k: v for k, v in event.items() if k != "message"})
            if event["orderCode"] == code:
                return seen


@asynccontextmanager
async def subscribed(server: Server, key: str) -> AsyncIterator[Subscriber]:
    ws: AsyncWebSocketSession
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        aconnect_ws(f"{server.url}/graphql", http, subprotocols=[PROTOCOL]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        ack = await ws.receive_json(timeout=5)
        assert ack["type"] == "connection_ack", ack
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}})
        yield Subscriber(ws)


async def until_listening(db: Engine, subscribers: list[Subscriber]) -> None:
    """The protocol does not acknowledge a subscription: notify a probe event until every subscriber got it.

    The probe goes through PostgreSQL NOTIFY like any event, so it proves the subscriber's process is listening.
    """
    with session_scope(db) as s:
        order = s.scalars(select(Order).where(Order.code == "ORD-PART")).one()
        probe = OrderEvent(order_id=order.id, order_code=order.code, customer_id=order.customer_id,
                            kind=kinds.PROGRESS, message=PROBE)
        s.add(probe)
        s.flush()
        probe_id = probe.id
    waiting = list(subscribers)
    deadline = time.monotonic() + DELIVERY_SECONDS
    while waiting:
        assert time.monotonic() < deadline, f"{len(waiting)} subscriber(s) never received the probe"
        with db.begin() as conn:
            conn.execute(text("SELECT pg_notify(:channel, :id)"),
                         {"channel": PREFIX + ORDER_EVENTS, "id": str(probe_id)})
        for subscriber in list(waiting):
            try:
                event = await subscriber.next_event(0.3)
            except TimeoutError:
                continue
            assert event["message"] == PROBE, event
            waiting.remove(subscriber)


async def cancel(server: Server, key: str, code: str) -> dict[str, Any]:
    answer = await graphql(server, key, CANCEL, {"input": {"code": code, "expectedVersion": 1, "reason": "test"}})
    payload: dict[str, Any] = answer["cancelOrder"]
    assert payload["errors"] == [], payload
    return payload


async def test_an_order_event_committed_through_b_reaches_subscribers_on_a(
    db: Engine, two_processes: TwoProcesses
) -> None:
    """A viewer on A sees both cancellations made through B; a partner on A sees only its own customer's."""
    a, b, keys = two_processes.a, two_processes.b, two_processes.keys
    async with AsyncExitStack() as stack:
        viewer = await stack.enter_async_context(subscribed(a, keys["viewer"]))
        partner = await stack.enter_async_context(subscribed(a, keys["partner"]))
        await until_listening(db, [viewer, partner])
        # The other customer's order first: if the partner's scope leaked, its event would arrive first.
        await cancel(b, keys["planner"], "ORD-OTHER")
        await cancel(b, keys["planner"], "ORD-PART")
        seen_by_viewer = await viewer.events_until("ORD-PART")
        seen_by_partner = await partner.events_until("ORD-PART")
    assert [(e["orderCode"], e["kind"], e["toStatus"]) for e in seen_by_viewer] == [
        ("ORD-OTHER", "CANCELLED", "CANCELLED"), ("ORD-PART", "CANCELLED", "CANCELLED")]
    assert seen_by_partner == [{"orderCode": "ORD-PART", "kind": "CANCELLED", "toStatus": "CANCELLED"}]


async def test_one_replan_at_a_time_across_processes(db: Engine, two_processes: TwoProcesses) -> None:
    """While another session holds the replan lock both processes refuse; two concurrent replans never interleave.

    The lock is pg_try_advisory_xact_lock (domain/planning/weekly.py): a replan that overlaps a running one is
    refused at once with PLAN_IN_PROGRESS rather than queued; replans that do not overlap both succeed in turn.
    """
    a, b, planner = two_processes.a, two_processes.b, two_processes.keys["planner"]
    with db.connect() as holder, holder.begin():
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REPLAN_LOCK_KEY})
        refused = await asyncio.gather(graphql(a, planner, REPLAN), graphql(b, planner, REPLAN))
    for answer in refused:
        assert answer["replan"]["plan"] is None
        assert [e["code"] for e in answer["replan"]["errors"]] == ["PLAN_IN_PROGRESS"], answer
    raced = await asyncio.gather(graphql(a, planner, REPLAN), graphql(b, planner, REPLAN))
    outcomes = sorted(r["replan"]["errors"][0]["code"] if r["replan"]["errors"] else "OK" for r in raced)
    assert outcomes in (["OK", "OK"], ["OK", "PLAN_IN_PROGRESS"]), raced
    versions = sorted(r["replan"]["plan"]["version"] for r in raced if r["replan"]["plan"])
    assert versions == list(range(1, len(versions) + 1)), raced  # one after the other: 1 (and 2), never two 1s
    in_force = await graphql(b, two_processes.keys["viewer"], "{ plan { version inForce } }")
    assert in_force["plan"] == {"version": versions[-1], "inForce": True}


async def test_a_rules_reload_on_a_is_in_force_on_b(two_processes: TwoProcesses) -> None:
    """Input tried: a comment appended to review.yaml in the rules folder both processes share."""
    a, b, keys = two_processes.a, two_processes.b, two_processes.keys
    query = "{ ruleSets { name version } }"

    async def review_version(server: Server) -> str:
        sets = (await graphql(server, keys["viewer"], query))["ruleSets"]
        return next(s["version"] for s in sets if s["name"] == "review")

    before = await review_version(b)
    assert await review_version(a) == before
    review = two_processes.rules_dir / "review.yaml"
    review.write_text(review.read_text() + "\n# reviewed by the multiprocess test\n")
    reload = "mutation { reloadRules { ruleSets { name version } errors { code message } } }"
    done = (await graphql(a, keys["admin"], reload))["reloadRules"]
    assert done["errors"] == []
    after = next(s["version"] for s in done["ruleSets"] if s["name"] == "review")
    assert after != before
    assert await review_version(b) == after
