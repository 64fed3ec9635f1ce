"""HTTP 429 RATE_LIMITED with Retry-After from the key check: a key over its limit, an address failing sign-ins."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from httpx_ws import WebSocketDisconnect
from sqlalchemy import Engine

from api.core.rate_limits import RateLimits
from domain.api_keys import create_api_key, revoke_api_key
from domain.config import rate_limit
from domain.db import session_scope
from tests.e2e.api.conftest import METRICS_AUTH, GraphQLClient, Plant, serving
from tests.e2e.api.test_subscriptions import connected

QUERY = "{ orders(first: 1) { totalCount } }"
WRONG = "sop_000000000000_not-a-key"


@asynccontextmanager
async def clients(db_url: str, addresses: tuple[str, ...], **settings: Any) -> AsyncIterator[list[GraphQLClient]]:
    """One app with these settings, and a client calling it from each address."""
    async with serving(db_url, **settings) as app:
        https = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                                   base_url="http://test") for address in addresses]
        try:
            yield [GraphQLClient(http) for http in https]
        finally:
            for http in https:
                await http.aclose()


def assert_rate_limited(response: httpx.Response, words: str) -> int:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED"} and words in error["message"], error
    return int(response.headers["Retry-After"])


async def test_a_burst_over_a_keys_limit_waits_retry_after_then_passes(
    db: Engine, db_url: str, plant: Plant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tried: 1/s burst 3, four requests at once with the planner's key; the viewer's key meanwhile.

    The buckets read a clock the test moves: on a loaded machine four requests can take over a second to reach the
    limiter, and a token refilled meanwhile let all four through (a flake seen in CI on PostgreSQL)."""
    now = [1000.0]
    monkeypatch.setattr("api.app.RateLimits", lambda settings: RateLimits(settings, clock=lambda: now[0]))
    async with clients(db_url, ("10.0.0.1",), rate_limit_per_key=rate_limit("X", "1/s burst 3")) as [erp]:
        planner = plant.keys["planner"]
        burst = await asyncio.gather(*(erp.post(QUERY, key=planner) for _ in range(4)))
        assert sorted(r.status_code for r in burst) == [200, 200, 200, 429]
        refused = next(r for r in burst if r.status_code == 429)
        retry_after = assert_rate_limited(refused, "Too many requests with this API key (limit 1/s burst 3")
        assert retry_after == 1
        assert (await erp.post(QUERY, key=plant.keys["viewer"])).status_code == 200  # its own bucket
        now[0] += retry_after / 2
        assert (await erp.post(QUERY, key=planner)).status_code == 429  # not before Retry-After has passed
        now[0] += retry_after / 2
        assert (await erp.post(QUERY, key=planner)).status_code == 200
        metrics = (await erp.http.get("/metrics", headers=METRICS_AUTH)).text
        assert 'sop_graphql_errors_total{code="RATE_LIMITED"} 2.0' in metrics


async def test_wrong_keys_from_one_address_are_throttled_and_a_good_key_from_it_still_works(
    db: Engine, db_url: str, plant: Plant
) -> None:
    """Tried: 3/min burst 3; wrong, unknown-format and revoked keys from 10.0.0.1, then a good key from it, and a
    wrong key from 10.0.0.2."""
    with session_scope(db) as s:
        revoked = create_api_key(s, "viewer")
        revoke_api_key(s, revoked.split("_")[1])
    failing = rate_limit("X", "3/min burst 3")
    async with clients(db_url, ("10.0.0.1", "10.0.0.2"), failed_sign_in_limit=failing) as [gateway, elsewhere]:
        for key in (WRONG, "garbage", revoked):
            assert (await gateway.post(QUERY, key=key)).status_code == 401, key
        throttled = await gateway.post(QUERY, key=WRONG)
        retry_after = assert_rate_limited(throttled, "Too many failed sign-ins from 10.0.0.1 (limit 3/min burst 3)")
        assert 19 <= retry_after <= 20  # one failure comes back every 20 s
        assert (await gateway.post(QUERY, key=plant.keys["viewer"])).status_code == 200
        assert (await gateway.post(QUERY, key=revoked)).status_code == 429
        assert (await elsewhere.post(QUERY, key=WRONG)).status_code == 401
        assert (await gateway.post(QUERY)).status_code == 401  # no key at all is not a sign-in


async def test_by_default_a_key_is_not_limited_and_a_few_wrong_keys_are_not_throttled(gql: GraphQLClient) -> None:
    """The defaults: no limit per key (an ERP's bursts), 10 failed sign-ins a minute per address."""
    answers = await asyncio.gather(*(gql.post(QUERY) for _ in range(60)))
    assert {r.status_code for r in answers} == {200}
    for _ in range(10):
        assert (await gql.post(QUERY, key=WRONG)).status_code == 401
    assert (await gql.post(QUERY, key=WRONG)).status_code == 429


async def test_a_websocket_from_a_throttled_address_is_refused_as_rate_limited(
    db: Engine, db_url: str, plant: Plant
) -> None:
    """graphql-transport-ws can only close (4403): the refusal shows in /metrics as RATE_LIMITED."""
    async with serving(db_url, failed_sign_in_limit=rate_limit("X", "1/min burst 1")) as app:
        for _ in range(2):
            async with connected(app, {"Authorization": f"Bearer {WRONG}"}) as ws:
                with pytest.raises(WebSocketDisconnect) as closed:
                    await ws.receive_json(timeout=5)
            assert closed.value.code == 4403
        async with connected(app, {"Authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
            assert (await ws.receive_json(timeout=5))["type"] == "connection_ack"
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            metrics = (await http.get("/metrics", headers=METRICS_AUTH)).text
    assert 'sop_graphql_errors_total{code="UNAUTHENTICATED"} 1.0' in metrics
    assert 'sop_graphql_errors_total{code="RATE_LIMITED"} 1.0' in metrics
