"""The app and a GraphQL client (from tests/e2e/api), a two-line plant with keys per role, and the ledger checked
(`sop check`'s invariants) after each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.db import session_scope
from domain.models import CustomerTier, Material, Routing
from tests.e2e.api.conftest import GraphQLClient, app, client  # noqa: F401 - fixtures used by the tests
from tests.factories import make_api_key, make_customer, make_product, make_production_line


@dataclass
class Shop:
    keys: dict[str, str]


@pytest.fixture
def shop(db: Engine) -> Shop:
    """Lines L1 (80 h/week) and L2; W-1 and W-2 made on L1; material M-1; customers OWN and OTHER."""
    with session_scope(db) as s:
        l1 = make_production_line(s, "L1", weekly_capacity_hours=80.0)
        make_production_line(s, "L2", weekly_capacity_hours=40.0)
        own = make_customer(s, "OWN", CustomerTier.REGULAR)
        make_customer(s, "OTHER", CustomerTier.KEY)
        for sku in ("W-1", "W-2"):
            product = make_product(s, sku, unit_cost="6", list_price="10")
            s.add(Routing(line_id=l1.id, product_id=product.id, units_per_hour=10.0))
        s.add(Material(code="M-1", name="Steel", on_hand=1000.0))
        keys = {role: make_api_key(s, role) for role in ("viewer", "planner", "admin")}
        keys["partner"] = make_api_key(s, "partner", [own])
    return Shop(keys)


@pytest.fixture
def gql(client: Any, shop: Shop) -> GraphQLClient:  # noqa: F811 - the imported fixture
    return GraphQLClient(client, shop.keys["planner"])


@pytest.fixture(autouse=True)
def sound_ledger(db: Engine) -> Iterator[None]:
    yield
    with Session(db) as s:
        assert ledger_violations(s) == []


CHANGES = "changes { entity code version action before after actor } errors { field message code }"
