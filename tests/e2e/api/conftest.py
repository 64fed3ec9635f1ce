"""An app per test on the migrated test database, an HTTP client for it, and a small seeded plant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event
from starlette.applications import Starlette

from api.app import create_app
from domain.config import Settings
from domain.db import session_scope
from domain.models import Customer, OrderStatus, Product
from tests.factories import make_api_key, make_customer, make_order, make_product

METRICS_TOKEN = "metrics-token-for-tests"
METRICS_AUTH = {"Authorization": f"Bearer {METRICS_TOKEN}"}  # headers of a GET /metrics


@asynccontextmanager
async def serving(db_url: str, **settings: Any) -> AsyncIterator[Starlette]:
    """The app on this database (other settings as given; /metrics with METRICS_TOKEN), closed after."""
    settings.setdefault("metrics_token", METRICS_TOKEN)
    application = create_app(Settings(database_url=db_url, **settings))
    try:
        yield application
    finally:
        await application.state.broker.close()
        await application.state.engine.dispose()


@pytest.fixture
async def app(db: Engine, db_url: str) -> AsyncIterator[Starlette]:
    async with serving(db_url) as application:
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    key: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> httpx.Response:
        key = key or self.key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> Any:
        """The JSON answer of a query that must succeed at the HTTP level."""
        response = await self.post(query, variables, key)
        assert response.status_code == 200, response.text
        return response.json()


@dataclass
class Plant:
    customers: list[Customer]
    products: list[Product]
    keys: dict[str, str]


@pytest.fixture
def plant(db: Engine) -> Plant:
    """Two customers with three orders each, two products; a key per role, the partner bound to customer 0."""
    with session_scope(db) as s:
        customers = [make_customer(s, code=f"CUST{i}") for i in range(2)]
        products = [make_product(s, sku=f"SKU{i}") for i in range(2)]
        for c_index, customer in enumerate(customers):
            for i in range(3):
                make_order(
                    s,
                    customer,
                    code=f"ORD-{c_index}-{i}",
                    status=OrderStatus.ACCEPTED if i else OrderStatus.RECEIVED,
                    lines=[(products[0], 5, None), (products[1], 2, "12.50")],
                )
        keys = {role: make_api_key(s, role) for role in ("viewer", "mes", "planner", "admin")}
        keys["partner"] = make_api_key(s, "partner", [customers[0]])
    return Plant(customers, products, keys)


@pytest.fixture
def gql(client: httpx.AsyncClient, plant: Plant) -> GraphQLClient:
    """A GraphQL client that sends the viewer's key unless told otherwise."""
    return GraphQLClient(client, plant.keys["viewer"])


@pytest.fixture
def statements(app: Starlette) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = app.state.engine.sync_engine
    event.listen(sync, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", record)
