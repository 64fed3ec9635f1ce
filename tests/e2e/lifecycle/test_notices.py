"""Customer notices (R7) through GraphQL and webhooks: a rush move tells the displaced customer in its words; a
local starlette receiver gets signed bodies; a failing one gets retries with backoff and ends on the dead-letter
list; a notice committed before a restart is still delivered after it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.db import async_engine, async_sessions, session_scope
from domain.models import Notice, NoticeDelivery, utcnow
from domain.notices import DEAD, DeliveryPolicy, add_endpoint, dead_letters, deliver_due, retry_dead
from domain.notices.delivery import _claim, fan_out
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import RUSH_DUE, RUSH_WEEK, Plant, fill_regular_hours
from tests.e2e.lifecycle.test_rush import PLANNED_DUE, create

NOTICES = """query($ack: Boolean) { notices(first: 10, acknowledged: $ack) { totalCount
  edges { node { id orderCode kind message deliveredAt acknowledgedAt acknowledgedBy } } } }"""
ORDER_NOTICES = "query($code: String!) { order(code: $code) { notices { kind message } } }"
ACK = """mutation($id: ID!) { acknowledgeNotice(input: {id: $id}) {
  notice { acknowledgedAt acknowledgedBy } errors { code message } } }"""
FAST = DeliveryPolicy(retry_base_seconds=10, max_attempts=3)


@dataclass
class Receiver:
    """A partner's webhook endpoint as a starlette app: records what came, answers `status` (500: failing)."""

    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def take(request: Request) -> Response:
            body = await request.body()
            self.received.append({"body": body, "headers": dict(request.headers)})
            return JSONResponse({"ok": self.status < 300}, status_code=self.status)

        return Starlette(routes=[Route("/notices", take, methods=["POST"])])


async def moved_regular_order(gql: GraphQLClient, db: Engine) -> tuple[str, str]:
    """REG's order is moved by STRAT's rush (as in test_rush): (REG's order code, the rush order's code)."""
    planned = (await create(gql, "REG", PLANNED_DUE, 600))["order"]
    fill_regular_hours(db, RUSH_WEEK + timedelta(weeks=1))
    rush = (await create(gql, "STRAT", RUSH_DUE, 200))["order"]
    return planned["code"], rush["code"]


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[Any]:
    """Async sessions of a process of their own (as a restarted server would open)."""
    engine = async_engine(db_url)
    try:
        yield async_sessions(engine)
    finally:
        await engine.dispose()


def endpoint_for_partner(db: Engine, plant: Plant) -> str:
    with session_scope(db) as s:
        return add_endpoint(s, plant.keys["partner"].split("_")[1], "http://partner.example/notices").secret


async def test_a_rush_move_tells_the_displaced_customer_in_its_words(gql: GraphQLClient, db: Engine,
                                                                     plant: Plant) -> None:
    moved, rush = await moved_regular_order(gql, db)
    partner = plant.keys["partner"]
    body = await gql(NOTICES, {"ack": False}, key=partner)
    notices = [e["node"] for e in body["data"]["notices"]["edges"]]
    assert [(n["orderCode"], n["kind"]) for n in notices] == [(moved, "MOVED")], body
    message = notices[0]["message"]
    # the reason in the customer's words: its new date, an urgent order; not whose, nor the plant's line
    assert "new promised date" in message and "urgent order" in message
    assert rush not in message and "L1" not in message
    assert (await gql(ORDER_NOTICES, {"code": moved}, key=partner))["data"]["order"]["notices"][0]["kind"] == "MOVED"
    # sales see the customer was not told yet; the partner acknowledges, then it is on the told list
    acked = (await gql(ACK, {"id": notices[0]["id"]}, key=partner))["data"]["acknowledgeNotice"]
    assert acked["errors"] == [] and acked["notice"]["acknowledgedBy"].startswith("partner:")
    assert (await gql(NOTICES, {"ack": False}))["data"]["notices"]["totalCount"] == 0
    assert (await gql(NOTICES, {"ack": True}))["data"]["notices"]["totalCount"] == 1


async def test_a_viewer_may_not_acknowledge_and_another_partners_notice_does_not_exist(
        gql: GraphQLClient, db: Engine, plant: Plant) -> None:
    """Tried: acknowledgeNotice with the viewer's key (FORBIDDEN), and with an order's id instead of a notice's."""
    await moved_regular_order(gql, db)
    notice_id = (await gql(NOTICES))["data"]["notices"]["edges"][0]["node"]["id"]
    refused = (await gql(ACK, {"id": notice_id}, key=plant.keys["viewer"]))["data"]["acknowledgeNotice"]
    assert refused["errors"][0]["code"] == "FORBIDDEN" and refused["notice"] is None
    wrong = (await gql(ACK, {"id": "T3JkZXI6MQ=="}))["data"]["acknowledgeNotice"]  # base64 of "Order:1"
    assert wrong["errors"][0]["code"] == "NOT_FOUND"


async def test_the_webhook_receiver_gets_signed_notices(gql: GraphQLClient, db: Engine, plant: Plant,
                                                        sessions: Any) -> None:
    secret = endpoint_for_partner(db, plant)
    moved, _ = await moved_regular_order(gql, db)
    receiver = Receiver()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as client:
        first = await deliver_due(sessions, client, FAST)
        again = await deliver_due(sessions, client, FAST)
    assert (first.fanned_out, first.delivered, again.delivered) == (1, 1, 0)
    [got] = receiver.received
    headers, body = got["headers"], got["body"]
    expected = hmac.new(secret.encode(), headers["x-sop-timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["x-sop-signature"] == "sha256=" + expected.hexdigest()
    assert json.loads(body)["orderCode"] == moved and json.loads(body)["kind"] == "MOVED"
    notice = (await gql(NOTICES))["data"]["notices"]["edges"][0]["node"]
    assert notice["deliveredAt"] is not None and notice["id"]


async def test_a_failing_receiver_gets_retries_with_backoff_then_the_dead_letter_list(
        gql: GraphQLClient, db: Engine, plant: Plant, sessions: Any) -> None:
    endpoint_for_partner(db, plant)
    await moved_regular_order(gql, db)
    receiver = Receiver(status=500)
    start = utcnow()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as client:
        async def at(seconds: float) -> tuple[int, int, int]:
            done = await deliver_due(sessions, client, FAST, now=start + timedelta(seconds=seconds))
            return done.delivered, done.retried, done.dead

        assert await at(0) == (0, 1, 0)  # attempt 1 fails: the next after 10 s
        assert await at(9) == (0, 0, 0)  # not due yet
        assert await at(10) == (0, 1, 0)  # attempt 2 fails: the next after 20 s
        assert await at(29) == (0, 0, 0)
        assert await at(30) == (0, 0, 1)  # attempt 3 of 3: dead
        assert await at(3600) == (0, 0, 0)
        assert len(receiver.received) == 3
        with session_scope(db) as s:
            [letter] = dead_letters(s)
            assert letter.attempts == 3 and letter.last_error is not None and "HTTP 500" in letter.last_error
            assert retry_dead(s, [letter.delivery_id]) == 1
        receiver.status = 200
        assert await at(3601) == (1, 0, 0)
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(NoticeDelivery).where(NoticeDelivery.status == DEAD)) == 0


async def test_no_notice_is_lost_when_the_service_restarts_between_commit_and_delivery(
        gql: GraphQLClient, db: Engine, plant: Plant, db_url: str) -> None:
    """The notice commits with the move; the process that would deliver it is gone (its engine disposed, and
    a delivery claimed by a process that died mid-POST): a new process delivers both after the lease."""
    endpoint_for_partner(db, plant)
    await moved_regular_order(gql, db)
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(Notice).where(Notice.fanned_out.is_(False))) == 1
    receiver = Receiver()
    start: datetime = utcnow()
    # a first process claims the delivery and dies before POSTing: its lease holds the row for 60 s
    policy = DeliveryPolicy(max_attempts=5, lease_seconds=60)
    dying = async_engine(db_url)
    async with async_sessions(dying)() as session:
        await fan_out(session, start)
    async with async_sessions(dying)() as session:
        assert len(await _claim(session, start, policy)) == 1
    await dying.dispose()
    restarted = async_engine(db_url)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app())) as client:
            early = await deliver_due(async_sessions(restarted), client, policy, now=start + timedelta(seconds=30))
            late = await deliver_due(async_sessions(restarted), client, policy, now=start + timedelta(seconds=61))
    finally:
        await restarted.dispose()
    assert (early.delivered, late.delivered, len(receiver.received)) == (0, 1, 1)
