"""Operational endpoints: liveness, readiness against the database, Prometheus metrics."""

from __future__ import annotations

import httpx

from tests.e2e.api.conftest import GraphQLClient, Plant


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
    text = (await gql.http.get("/metrics")).text
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
