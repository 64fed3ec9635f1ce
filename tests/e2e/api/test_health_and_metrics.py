"""Operational endpoints: liveness, readiness against the database, Prometheus metrics."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.api.conftest import METRICS_AUTH, GraphQLClient, Plant, serving


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_readyz_fails_without_a_database(tmp_path: object) -> None:
    from api.app import create_app
    from domain.config import Settings

    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.get("/readyz")
    await app.state.engine.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "nobody" not in response.text


async def test_metrics_count_operations_and_errors(gql: GraphQLClient, plant: Plant) -> None:
    await gql("query DashboardOrders { orders { totalCount } }")
    await gql("query DashboardOrders { orders { totalCount } }")
    await gql('{ orders(after: "garbage") { totalCount } }')
    await gql.post("{ orders { totalCount } }", key="sop_nope_nope")
    text = (await gql.http.get("/metrics", headers=METRICS_AUTH)).text
    assert 'sop_graphql_requests_total{operation="DashboardOrders",type="query"} 2.0' in text
    assert 'sop_graphql_request_seconds_count{operation="DashboardOrders"} 2.0' in text
    assert 'sop_graphql_errors_total{code="INVALID"} 1.0' in text
    assert 'sop_graphql_errors_total{code="UNAUTHENTICATED"} 1.0' in text


async def test_graphiql_page_in_development_needs_no_key(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


async def test_production_hides_graphiql_and_introspection(db_url: str, plant: Plant) -> None:
    from api.app import create_app
    from domain.config import Settings

    app = create_app(Settings(database_url=db_url, environment="production"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        body = await GraphQLClient(http, plant.keys["viewer"])("{ __schema { types { name } } }")
    await app.state.engine.dispose()
    assert page.status_code == 404
    assert "introspection" in body["errors"][0]["message"].lower()


async def test_the_bare_address_leads_to_graphiql(client: httpx.AsyncClient) -> None:
    # Tried: GET / (the address make run prints, without its path) was a 404.
    answer = await client.get("/")
    assert answer.status_code == 307 and answer.headers["location"] == "/graphql"


@pytest.mark.parametrize(
    ("what", "token", "headers", "status"),
    [
        ("no token configured, no header", None, {}, 404),
        ("no token configured, a guess", None, {"Authorization": "Bearer "}, 404),
        ("token configured, no header", "s3cret", {}, 401),
        ("token configured, wrong token", "s3cret", {"Authorization": "Bearer s3cre"}, 401),
        ("token configured, Basic scheme", "s3cret", {"Authorization": "Basic s3cret"}, 401),
        ("token configured, the token", "s3cret", {"Authorization": "Bearer s3cret"}, 200),
    ],
)
async def test_metrics_need_the_metrics_token(
    db_url: str, plant: Plant, what: str, token: str | None, headers: dict[str, str], status: int
) -> None:
    # Tried: GET /metrics with and without SOP_METRICS_TOKEN set, with no, wrong and right Authorization headers.
    async with serving(db_url, metrics_token=token) as app, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        response = await http.get("/metrics", headers=headers)
    assert response.status_code == status, (what, response.text)
    if status == 200:
        assert "sop_graphql_requests" in response.text
    else:
        assert "sop_graphql" not in response.text and "SOP_METRICS_TOKEN" in response.text, (what, response.text)


def test_the_metrics_token_comes_from_the_environment() -> None:
    from domain.config import load_settings

    assert load_settings({}).metrics_token is None
    assert load_settings({"SOP_METRICS_TOKEN": "abc"}).metrics_token == "abc"


@pytest.mark.parametrize(
    ("what", "query", "variables"),
    [
        ("a misspelt field", "{ ordrs { totalCount } }", None),
        ("a misspelt argument", "{ orders(frist: 1) { totalCount } }", None),
        ("a misspelt enum literal", "{ orders(filter: {status: [ACCEPTE]}) { totalCount } }", None),
        ("a misspelt enum in a variable", "query($s: [OrderStatus!]) { orders(filter: {status: $s}) { totalCount } }",
         {"s": ["ACCEPTE"]}),
        ("a misspelt input field", "{ orders(filter: {custmerCode: \"A\"}) { totalCount } }", None),
    ],
)
async def test_production_suggests_no_names(
    db_url: str, plant: Plant, what: str, query: str, variables: dict[str, object] | None
) -> None:
    # Tried: misspelt names in production (introspection off) and in development; only development suggests.
    for environment, suggests in (("production", False), ("development", True)):
        async with serving(db_url, environment=environment) as app, httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            body = await GraphQLClient(http, plant.keys["viewer"])(query, variables)
        message = " ".join(error["message"] for error in body["errors"])
        assert ("Did you mean" in message) is suggests, (what, environment, message)
