"""Bad arguments and oversized documents get a clear GraphQL error naming what was wrong: never a 500."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from api.app import create_app
from domain.config import Settings
from tests.e2e.api.conftest import GraphQLClient, Plant


async def error_of(gql: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The single error of a refused request; asserts there is no partial data and no internals."""
    response = await gql.post(query, variables)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert len(body["errors"]) == 1, body
    assert not body.get("data") or all(v is None for v in body["data"].values()), body
    text = json.dumps(body)
    for leak in ("Traceback", "SELECT", "sqlalchemy", 'File "'):
        assert leak not in text, text
    return body["errors"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("what", "query", "variables", "names"),
    [
        ("unknown status literal", "{ orders(filter: {status: [BOGUS]}) { totalCount } }", None,
         ["filter.status", "BOGUS"]),
        ("unknown status variable", "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
         {"f": {"status": ["BOGUS"]}}, ["status", "BOGUS"]),
        ("unknown filter field", "{ orders(filter: {colour: RED}) { totalCount } }", None, ["filter", "colour"]),
        ("unknown sort field", "{ orders(orderBy: {field: PRICE}) { totalCount } }", None, ["orderBy.field", "PRICE"]),
        ("malformed cursor", '{ orders(after: "garbage") { totalCount } }', None, ["after"]),
        ("cursor of another ordering", None, None, ["after"]),
        ("first too large", "{ orders(first: 100000) { totalCount } }", None, ["first", "500"]),
        ("first negative", "{ orders(first: -1) { totalCount } }", None, ["first"]),
        ("first not an int", '{ orders(first: "ten") { totalCount } }', None, ["first"]),
        ("first beyond 32 bits", "{ products(first: 10000000000) { totalCount } }", None, ["first"]),
        ("date range reversed", '{ orders(filter: {dueFrom: "2025-02-01", dueTo: "2025-01-01"}) { totalCount } }',
         None, ["dueFrom"]),
        ("bad date", '{ orders(filter: {dueFrom: "yesterday"}) { totalCount } }', None, ["dueFrom"]),
        ("malformed node id", '{ node(id: "%%%") { id } }', None, ["id"]),
        ("alerts page too large", "{ alerts(first: 501) { totalCount } }", None, ["first"]),
    ],
)
async def test_bad_arguments_are_named(
    gql: GraphQLClient, plant: Plant, what: str, query: str | None, variables: dict[str, Any] | None, names: list[str]
) -> None:
    if query is None:  # a well-formed cursor from the CODE ordering, used with the default ordering
        page = await gql("{ orders(first: 1, orderBy: {field: CODE}) { pageInfo { endCursor } } }")
        variables = {"a": page["data"]["orders"]["pageInfo"]["endCursor"]}
        query = "query($a: String) { orders(after: $a) { totalCount } }"
    error = await error_of(gql, query, variables)
    for name in names:
        assert name in error["message"], (what, error)
    assert error["extensions"]["code"] != "INTERNAL", (what, error)


async def test_tampered_cursor_value_is_refused(gql: GraphQLClient, plant: Plant) -> None:
    forged = base64.urlsafe_b64encode(json.dumps(["orders:AMOUNT:ASC", "lots", 1]).encode()).decode()
    error = await error_of(gql, "query($a: String) { orders(after: $a, orderBy: {field: AMOUNT}) { totalCount } }",
                           {"a": forged})
    assert "after" in error["message"] and error["extensions"]["code"] == "INVALID"


async def test_query_too_deep_is_refused(db_url: str, plant: Plant) -> None:
    # Today's schema has no cycles (its deepest path is 5, counted from 0), so the limit is tried at 4.
    app = create_app(Settings(database_url=db_url, max_query_depth=4))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            gql = GraphQLClient(http, plant.keys["viewer"])
            assert "errors" not in await gql("{ orders { edges { node { customer { code } } } } }")
            error = await error_of(gql, "query Deep { orders { edges { node { lines { product { sku } } } } } }")
    finally:
        await app.state.engine.dispose()
    assert error["message"] == "'Deep' exceeds maximum operation depth of 4", error


async def test_too_many_aliases_are_refused(gql: GraphQLClient, plant: Plant) -> None:
    query = "{ " + " ".join(f"a{i}: productionLines {{ code }}" for i in range(40)) + " }"
    error = await error_of(gql, query)
    assert "aliases" in error["message"], error


async def test_too_many_tokens_are_refused(gql: GraphQLClient, plant: Plant) -> None:
    query = "{ productionLines { " + "code " * 6000 + "} }"
    error = await error_of(gql, query)
    assert "token" in error["message"].lower(), error


async def test_too_many_mutations_per_document_are_refused(gql: GraphQLClient, plant: Plant) -> None:
    # No mutation exists yet, so the document is invalid either way; the count rule must still speak.
    query = "mutation Many { " + " ".join(f"m{i}: reloadRules {{ __typename }}" for i in range(11)) + " }"
    response = await gql.post(query)
    messages = " ".join(e["message"] for e in response.json()["errors"])
    assert "at most 10 per document" in messages or "Schema is not configured" in messages, messages


async def test_oversized_body_gets_413(gql: GraphQLClient, plant: Plant) -> None:
    query = "{ productionLines { code } }" + " " * 1_100_000
    response = await gql.post(query)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
