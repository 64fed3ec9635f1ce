"""The planning test plant with one material on SKU-0's bill, an expected receipt of it, and a key per role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Engine, select

from domain import clock
from domain.db import session_scope
from domain.models import BomItem, Customer, Material, MaterialReceipt, Product
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.factories import make_api_key
from tests.integration.planning.plant import build_plant

ON_HAND = 10.0
EXPECTED = 30.0  # due in five days
PER_UNIT = 2.0  # of M-1 per SKU-0
LEAD_DAYS = 14


@dataclass
class Purchasing:
    gql: GraphQLClient
    keys: dict[str, str]


@pytest.fixture
async def purchasing(db: Engine, db_url: str) -> AsyncIterator[Purchasing]:
    today = clock.today()
    with session_scope(db) as s:
        build_plant(s, today=today)
        material = Material(code="M-1", name="Steel sheet", unit="kg", on_hand=ON_HAND, lead_time_days=LEAD_DAYS)
        spare = Material(code="M-2", name="Paint", unit="l", on_hand=500.0, lead_time_days=7)
        s.add_all([material, spare])
        s.flush()
        sku0 = s.scalars(select(Product).where(Product.sku == "SKU-0")).one()
        s.add(BomItem(product_id=sku0.id, material_id=material.id, quantity_per_unit=PER_UNIT))
        s.add(MaterialReceipt(material_id=material.id, quantity=EXPECTED, due_date=today + timedelta(days=5)))
        customer = s.scalars(select(Customer)).first()
        assert customer is not None
        keys = {role: make_api_key(s, role) for role in ("viewer", "planner", "purchasing")}
        keys["partner"] = make_api_key(s, "partner", [customer])
    async with serving(db_url) as app, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        yield Purchasing(GraphQLClient(http, keys["viewer"]), keys)
