"""CORS for browser frontends: the origins of SOP_ALLOWED_ORIGINS may call /graphql; none configured, no CORS."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from domain.config import Settings
from tests.e2e.api.conftest import Plant

BOARD = "https://board.plant.example"
QUERY = {"query": "{ productionLines { code } }"}
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


@pytest.fixture
async def board_client(db_url: str, plant: Plant) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that allows the planner's board origin."""
    app = create_app(Settings(database_url=db_url, allowed_origins=(BOARD,)))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield http
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()


async def test_preflight_from_an_allowed_origin(board_client: httpx.AsyncClient) -> None:
    # Tried: OPTIONS /graphql as a browser sends it before a POST with Authorization; it was a 405.
    response = await board_client.options("/graphql", headers={"Origin": BOARD, **PREFLIGHT})
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == BOARD
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert "access-control-allow-credentials" not in response.headers  # keys, not cookies


async def test_answers_to_an_allowed_origin_carry_the_header(board_client: httpx.AsyncClient, plant: Plant) -> None:
    # Tried: a POST with a key, one without (401) and a malformed body (400): the browser must be able to read each.
    ok = await board_client.post("/graphql", json=QUERY, headers={
        "Origin": BOARD, "Authorization": f"Bearer {plant.keys['viewer']}"})
    no_key = await board_client.post("/graphql", json=QUERY, headers={"Origin": BOARD})
    bad = await board_client.post("/graphql", content=b"{", headers={
        "Origin": BOARD, "Authorization": f"Bearer {plant.keys['viewer']}", "Content-Type": "application/json"})
    for response, status in ((ok, 200), (no_key, 401), (bad, 400)):
        assert response.status_code == status, response.text
        assert response.headers.get("access-control-allow-origin") == BOARD, (status, response.headers)


async def test_other_origins_get_no_cors(board_client: httpx.AsyncClient, plant: Plant) -> None:
    # Tried: a preflight and a POST from an origin not in SOP_ALLOWED_ORIGINS.
    stranger = "https://evil.example"
    preflight = await board_client.options("/graphql", headers={"Origin": stranger, **PREFLIGHT})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    post = await board_client.post("/graphql", json=QUERY, headers={
        "Origin": stranger, "Authorization": f"Bearer {plant.keys['viewer']}"})
    assert post.status_code == 200 and "access-control-allow-origin" not in post.headers


async def test_no_origins_configured_means_no_cors(client: httpx.AsyncClient, plant: Plant) -> None:
    # Tried: the same preflight and POST on the default app (no SOP_ALLOWED_ORIGINS): as before, no CORS at all.
    preflight = await client.options("/graphql", headers={"Origin": BOARD, **PREFLIGHT})
    assert preflight.status_code == 405
    post = await client.post("/graphql", json=QUERY, headers={
        "Origin": BOARD, "Authorization": f"Bearer {plant.keys['viewer']}"})
    assert post.status_code == 200
    assert not any(name.startswith("access-control-") for name in post.headers), post.headers
