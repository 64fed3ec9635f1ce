"""The app and a GraphQL client (from tests/e2e/api), a one-line plant, and the ledger check after each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.db import session_scope
from domain.models import CustomerTier, ProcessMaturity, Routing
from tests.e2e.api.conftest import GraphQLClient, app, client  # noqa: F401 - fixtures used by the tests
from tests.factories import make_api_key, make_customer, make_product, make_production_line


@dataclass
class Shop:
    keys: dict[str, str]


@pytest.fixture
def shop(db: Engine) -> Shop:
    """One 200 h/week line; W-1 (40% margin), T-1 (3% margin), P-1 (a NEW process); two customers."""
    with session_scope(db) as s:
        line = make_production_line(s, "L1", weekly_capacity_hours=200.0)
        own = make_customer(s, "OWN", CustomerTier.REGULAR)
        make_customer(s, "OTHER", CustomerTier.KEY)
        for sku, cost, maturity in (("W-1", "6", ProcessMaturity.PROVEN), ("T-1", "9.70", ProcessMaturity.PROVEN),
                                    ("P-1", "6", ProcessMaturity.NEW)):
            product = make_product(s, sku, unit_cost=cost, list_price="10", maturity=maturity)
            s.add(Routing(line_id=line.id, product_id=product.id, units_per_hour=10.0))
        keys = {role: make_api_key(s, role) for role in ("viewer", "planner")}
        keys["partner"] = make_api_key(s, "partner", [own])
    return Shop(keys)


@pytest.fixture
def gql(client: object, shop: Shop) -> GraphQLClient:  # noqa: F811 - the imported fixture
    return GraphQLClient(client, shop.keys["planner"])  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def sound_ledger(db: Engine) -> Iterator[None]:
    yield
    with Session(db) as s:
        assert ledger_violations(s) == []
