"""The api's app and client fixtures, and a small plant with a promise on line L1 and a key per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.capacity.checks import ledger_violations
from domain.db import session_scope
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    CustomerTier,
    OrderStatus,
    ProductionLine,
    Routing,
    product_substitutes,
)
from tests.e2e.api.conftest import GraphQLClient, app, client  # noqa: F401 - fixtures
from tests.factories import make_api_key, make_customer, make_order, make_product

NEXT_MONDAY = week_start(date.today()) + timedelta(weeks=1)


@dataclass
class FloorPlant:
    keys: dict[str, str]
    order_code: str
    other_order_code: str


@pytest.fixture
def floor_plant(db: Engine) -> FloorPlant:
    """SO-1 (regular customer) holds 60 h of L1 next week, promised for that Friday; W-1 has substitute G-1."""
    with session_scope(db) as s:
        line = ProductionLine(code="L1", name="Line 1", weekly_capacity_hours=100.0)
        s.add(line)
        regular = make_customer(s, code="C-REG", tier=CustomerTier.REGULAR)
        other = make_customer(s, code="C-OTHER", tier=CustomerTier.STRATEGIC)
        widget = make_product(s, sku="W-1", safety_stock=50.0, on_hand=60.0, work_in_progress=30.0)
        gadget = make_product(s, sku="G-1", on_hand=25.0)
        s.flush()
        s.add(Routing(line_id=line.id, product_id=widget.id, units_per_hour=10.0))
        s.execute(product_substitutes.insert().values(product_id=widget.id, substitute_id=gadget.id))
        friday = NEXT_MONDAY + timedelta(days=4)
        order = make_order(s, regular, code="SO-1", status=OrderStatus.SCHEDULED, lines=[(widget, 600, None)],
                           promised_date=friday)
        other_order = make_order(s, other, code="SO-OTHER", status=OrderStatus.SCHEDULED,
                                 lines=[(widget, 10, None)], promised_date=friday)
        s.flush()
        # SO-OTHER (strategic) holds its 1 h too: every scheduled order holds what it still has to make.
        s.add(CapacityLedger(line_id=line.id, week=NEXT_MONDAY, capacity_hours=100.0, reserve_hours=10.0,
                             planned_hours=0.0, promised_hours=61.0, rush_hours_used=0.0, lost_hours=0.0))
        s.add(CapacityReservation(order_id=order.id, order_line_id=order.lines[0].id, line_id=line.id,
                                  week=NEXT_MONDAY, hours=60.0, quantity=600.0))
        s.add(CapacityReservation(order_id=other_order.id, order_line_id=other_order.lines[0].id, line_id=line.id,
                                  week=NEXT_MONDAY, hours=1.0, quantity=10.0))
        keys = {role: make_api_key(s, role) for role in ("viewer", "mes", "planner", "admin")}
        keys["partner"] = make_api_key(s, "partner", [regular])
    return FloorPlant(keys, "SO-1", "SO-OTHER")


@pytest.fixture
def gql(client: httpx.AsyncClient, floor_plant: FloorPlant) -> GraphQLClient:  # noqa: F811
    return GraphQLClient(client, floor_plant.keys["mes"])


@pytest.fixture(autouse=True)
def sound_ledger(db: Engine) -> Iterator[None]:
    """No accepted order is ever promised capacity the plan does not have, whatever the scenario did."""
    yield
    with Session(db) as s:
        assert ledger_violations(s) == []
