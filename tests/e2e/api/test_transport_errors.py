"""Requests refused before execution (body, content type, batching, operation choice) get GraphQL-shaped JSON."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.api.conftest import METRICS_AUTH, Plant

QUERY = "{ productionLines { code } }"
TWO_OPERATIONS = "query Lines { productionLines { code } } query Count { customers { totalCount } }"

# (what was tried, keyword arguments of httpx's request, words the message must hold)
REFUSED: list[tuple[str, dict[str, Any], list[str]]] = [
    ("malformed JSON body", {"content": b'{"query": ', "headers": {"Content-Type": "application/json"}}, ["JSON"]),
    ("empty body", {"content": b"", "headers": {"Content-Type": "application/json"}}, ["JSON"]),
    ("a JSON array (batching)", {"json": [{"query": QUERY}]}, ["Batching"]),
    ("Content-Type text/plain", {"content": b'{"query": "{ productionLines { code } }"}',
                                 "headers": {"Content-Type": "text/plain"}}, ["content type"]),
    ('"variables": "x"', {"json": {"query": QUERY, "variables": "x"}}, ["variables"]),
    ("operationName naming no operation", {"json": {"query": "query Lines { productionLines { code } }",
                                                    "operationName": "Orders"}}, ["Orders"]),
    ("no query at all", {"json": {"variables": {}}}, ["query"]),
    ("a bare JSON number (was a 500)", {"json": 42}, ["JSON object"]),
    ("a bare JSON string (was a 500)", {"json": "{ productionLines { code } }"}, ["JSON object"]),
    ("two operations, no operationName", {"json": {"query": TWO_OPERATIONS}}, ["operationName"]),
]


def headers_with(key: str | None, given: dict[str, Any]) -> dict[str, str]:
    headers = dict(given.get("headers", {}))
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return headers


@pytest.mark.parametrize(("what", "request_args", "words"), REFUSED, ids=[r[0] for r in REFUSED])
async def test_transport_errors_are_graphql_json(
    client: httpx.AsyncClient, plant: Plant, what: str, request_args: dict[str, Any], words: list[str]
) -> None:
    args = {**request_args, "headers": headers_with(plant.keys["viewer"], request_args)}
    response = await client.post("/graphql", **args)
    assert response.status_code == 400, (what, response.text)
    assert response.headers["content-type"].startswith("application/json"), (what, response.headers)
    body = response.json()
    assert body["data"] is None and len(body["errors"]) == 1, (what, body)
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_REQUEST"}, (what, error)
    for word in words:
        assert word.lower() in error["message"].lower(), (what, error)


async def test_mutation_over_get_is_a_json_400(client: httpx.AsyncClient, plant: Plant) -> None:
    # Tried: GET /graphql?query=mutation... (strawberry refuses mutations over GET).
    response = await client.get("/graphql", params={"query": "mutation { reloadRules { __typename } }"},
                                headers=headers_with(plant.keys["admin"], {}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(("what", "request_args", "words"), REFUSED[:4], ids=[r[0] for r in REFUSED[:4]])
async def test_authentication_comes_before_the_body(
    client: httpx.AsyncClient, plant: Plant, what: str, request_args: dict[str, Any], words: list[str]
) -> None:
    response = await client.post("/graphql", **{**request_args, "headers": headers_with(None, request_args)})
    assert response.status_code == 401, (what, response.text)
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refusals_are_counted_in_metrics(client: httpx.AsyncClient, plant: Plant) -> None:
    await client.post("/graphql", content=b"{", headers=headers_with(plant.keys["viewer"], {
        "headers": {"Content-Type": "application/json"}}))
    metrics = (await client.get("/metrics", headers=METRICS_AUTH)).text
    assert 'sop_graphql_errors_total{code="BAD_REQUEST"} 1.0' in metrics


async def test_several_operations_need_an_operation_name(client: httpx.AsyncClient, plant: Plant) -> None:
    # The GraphQL spec: a document with several operations and no operationName is a request error.
    # Before, the first operation ran and answered 200; with a name, the named one runs.
    headers = headers_with(plant.keys["viewer"], {})
    named = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Count"}, headers=headers)
    assert named.status_code == 200 and named.json() == {"data": {"customers": {"totalCount": 2}}}, named.text
    single = await client.post("/graphql", json={"query": "query Lines { productionLines { code } }"}, headers=headers)
    assert single.status_code == 200 and single.json() == {"data": {"productionLines": []}}, single.text
    # Fragments are not operations: one operation and a fragment is fine without a name.
    with_fragment = "query Lines { productionLines { ...L } } fragment L on ProductionLine { code }"
    fragment = await client.post("/graphql", json={"query": with_fragment}, headers=headers)
    assert fragment.status_code == 200 and "errors" not in fragment.json(), fragment.text
    # A syntax error is still the schema's GraphQL error (200), not hidden by the operation count.
    broken = await client.post("/graphql", json={"query": "query A { x } query B {"}, headers=headers)
    assert broken.status_code == 200 and "Syntax Error" in broken.json()["errors"][0]["message"], broken.text
