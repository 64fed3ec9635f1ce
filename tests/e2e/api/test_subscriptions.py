"""Subscriptions over graphql-transport-ws: authenticated, fed by the broker, scoped for partners."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from sqlalchemy import Engine
from starlette.applications import Starlette

from domain.db import session_scope
from domain.models import Alert, Customer, OrderEvent, OrderStatus
from tests.e2e.api.conftest import Plant, serving
from tests.factories import make_order

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def connected(app: Starlette, params: dict[str, Any]) -> AsyncIterator[AsyncWebSocketSession]:
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as http,
        aconnect_ws("http://test/graphql", http, subprotocols=[PROTOCOL]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": params})
        yield ws


async def subscribe(ws: AsyncWebSocketSession, query: str, sub_id: str = "1") -> None:
    assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
    await ws.send_json({"id": sub_id, "type": "subscribe", "payload": {"query": query}})


async def wait_for_subscribers(app: Starlette) -> None:
    """The subscription starts listening a moment after `subscribe` is sent."""
    broker = app.state.broker
    local = getattr(broker, "_local", broker)
    for _ in range(200):
        if local.subscriber_count("order_events") or local.subscriber_count("alerts"):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never reached the broker")


def add_event(db: Engine, customer: Customer, code: str) -> int:
    with session_scope(db) as s:
        order = make_order(s, customer, code=code)
        event = OrderEvent(order_id=order.id, order_code=order.code, customer_id=customer.id, kind="MOVED",
                           from_status=OrderStatus.RECEIVED, to_status=OrderStatus.ACCEPTED, message="moved")
        s.add(event)
        s.flush()
        return event.id


async def test_partner_receives_only_its_customers_order_events(app: Starlette, db: Engine, plant: Plant) -> None:
    own, other = plant.customers
    async with connected(app, {"Authorization": f"Bearer {plant.keys['partner']}"}) as ws:
        await subscribe(ws, "subscription { orderEvents { orderCode kind toStatus } }")
        await wait_for_subscribers(app)
        publisher = app.state.services.events
        await publisher.publish_order_event(add_event(db, other, "THEIRS"))
        await publisher.publish_order_event(add_event(db, own, "MINE"))
        message = await ws.receive_json(timeout=10)
    assert message["type"] == "next", message
    assert message["payload"]["data"]["orderEvents"] == {"orderCode": "MINE", "kind": "MOVED", "toStatus": "ACCEPTED"}


async def test_customer_filter_of_another_customer_is_not_found_for_a_partner(app: Starlette, plant: Plant) -> None:
    async with connected(app, {"Authorization": f"Bearer {plant.keys['partner']}"}) as ws:
        await subscribe(ws, 'subscription { orderEvents(customerCode: "CUST1") { orderCode } }')
        message = await ws.receive_json(timeout=10)
    # An execution error arrives as `next` with errors (then `complete`), shaped like any other error.
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["message"] == "customer 'CUST1' does not exist"
    assert message["payload"]["errors"][0]["extensions"] == {
        "code": "NOT_FOUND", "field": ["customerCode"], "argument": "customerCode"}


async def test_viewer_receives_alerts(app: Starlette, db: Engine, plant: Plant) -> None:
    async with connected(app, {"authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
        await subscribe(ws, "subscription { alerts { kind severity message open orderCode sku } }")
        await wait_for_subscribers(app)
        with session_scope(db) as s:
            alert = Alert(kind="SAFETY_STOCK", severity="WARNING", message="SKU0 below safety stock",
                          product_id=plant.products[0].id)
            s.add(alert)
            s.flush()
            alert_id = alert.id
        await app.state.services.events.publish_alert(alert_id)
        message = await ws.receive_json(timeout=10)
    assert message["payload"]["data"]["alerts"] == {
        "kind": "SAFETY_STOCK", "severity": "WARNING", "message": "SKU0 below safety stock", "open": True,
        "orderCode": None, "sku": "SKU0",
    }


@pytest.mark.parametrize("params", [{}, {"Authorization": "Bearer sop_bad_key"}])
async def test_websocket_without_a_valid_key_is_closed(app: Starlette, plant: Plant, params: dict[str, str]) -> None:
    async with connected(app, params) as ws:
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert closed.value.code == 4403


async def test_subscriptions_per_connection_are_capped(db_url: str, plant: Plant) -> None:
    # Tried: 4 subscriptions on one websocket with SOP_MAX_SUBSCRIPTIONS=3 (one websocket took 5,000 before).
    async with serving(db_url, max_subscriptions=3) as capped, connected(
            capped, {"Authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
        alerts = {"query": "subscription { alerts { id } }"}
        await subscribe(ws, alerts["query"], "1")
        for sub_id in ("2", "3", "4"):
            await ws.send_json({"id": sub_id, "type": "subscribe", "payload": alerts})
        refused = await ws.receive_json(timeout=5)
        assert refused["type"] == "error" and refused["id"] == "4", refused
        assert refused["payload"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "limit": 3}
        assert "at most 3 subscriptions" in refused["payload"][0]["message"]
        # Completing one frees its place: a fifth one is accepted (no error comes back for it).
        await ws.send_json({"id": "1", "type": "complete"})
        await ws.send_json({"id": "5", "type": "subscribe", "payload": alerts})
        await ws.send_json({"type": "ping"})
        assert (await ws.receive_json(timeout=5))["type"] == "pong"


def test_the_default_cap_is_twenty() -> None:
    from domain.config import load_settings

    assert load_settings({}).max_subscriptions == 20
    assert load_settings({"SOP_MAX_SUBSCRIPTIONS": "5"}).max_subscriptions == 5


BY_CUSTOMER = ('{"id": "1", "type": "subscribe", "payload": {"query": "subscription($c: String) '
               '{ orderEvents(customerCode: $c) { orderCode } }", "variables": {"c": %s}}}')


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("a lone surrogate in customerCode", BY_CUSTOMER % '"\\ud800"'),
        ("NUL in customerCode", BY_CUSTOMER % '"a\\u0000"'),
        ("a message nested 5000 deep", '{"id": "1", "type": "subscribe", "payload": {"query": "x", "variables": '
         '{"x": ' + "[" * 5000 + "]" * 5000 + "}}}"),
        ("NaN in a message", '{"id": "1", "type": "subscribe", "payload": {"query": "x", "variables": {"x": NaN}}}'),
    ],
)
async def test_hostile_websocket_messages_close_the_connection_as_invalid(
    app: Starlette, plant: Plant, what: str, message: str
) -> None:
    # Tried: each message after a valid connection_init; before, the surrogate reached PostgreSQL (INTERNAL)
    # and the nested one raised RecursionError in the protocol handler.
    async with connected(app, {"Authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
        assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        await ws.send_text(message)
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_json(timeout=5)
    assert closed.value.code == 4400, (what, closed.value)
