"""Stock first (R11) through GraphQL: an order covered by finished goods is accepted for today and ships from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from domain import clock
from domain.db import session_scope
from domain.models import CapacityReservation, Product
from tests.e2e.api.conftest import GraphQLClient

# A fixed Wednesday, with the clock pinned to it: whether the rest of an order can be made for "today" depends on
# the weekday (a Saturday has no working hours left), and the tests are about stock, not the calendar.
WEDNESDAY = date(2026, 12, 2)
TODAY = WEDNESDAY.isoformat()
LATER = (WEDNESDAY + timedelta(days=14)).isoformat()


@pytest.fixture(autouse=True)
def on_a_wednesday() -> Iterator[None]:
    with clock.pinned(datetime.combine(WEDNESDAY, time(10), tzinfo=UTC)):
        yield
FIELDS = """order { code version status promisedDate lines { quantity quantityFromStock quantityShipped }
  review { decision criteria { criterion passed } } }
errors { field code message }"""
CREATE = f"mutation($input: OrderInput!) {{ createOrder(input: $input) {{ {FIELDS} }} }}"
SHIP = f"mutation($input: ShipOrderInput!) {{ shipOrder(input: $input) {{ {FIELDS} }} }}"


def _on_hand(db: Engine, units: float | None = None) -> float:
    with session_scope(db) as s:
        if units is not None:
            s.execute(update(Product).where(Product.sku == "W-1").values(on_hand=units))
        return float(s.scalar(select(Product.on_hand).where(Product.sku == "W-1")) or 0.0)


async def test_an_order_covered_by_stock_is_accepted_for_today_and_ships_from_it(gql: GraphQLClient,
                                                                                   db: Engine) -> None:
    # Tried: 200 W-1 requested for today with 522 on hand (the demo's SEN-0020 case), then shipOrder on it.
    _on_hand(db, 522.0)
    created = (await gql(CREATE, {"input": {"customerCode": "OWN", "requestedDate": TODAY,
                                            "lines": [{"sku": "W-1", "quantity": 200}]}}))["data"]["createOrder"]
    order = created["order"]
    assert created["errors"] == [] and order["review"]["decision"] == "ACCEPT"
    assert order["status"] == "ACCEPTED" and order["promisedDate"] == TODAY
    assert order["lines"] == [{"quantity": 200.0, "quantityFromStock": 200.0, "quantityShipped": 0.0}]
    assert all(c["passed"] for c in order["review"]["criteria"] if c["criterion"] in ("CAPACITY", "MATERIAL"))
    with Session(db) as s:
        assert s.scalars(select(CapacityReservation)).all() == []  # no hours held for it
    shipped = (await gql(SHIP, {"input": {"code": order["code"], "expectedVersion": order["version"]}}))
    body = shipped["data"]["shipOrder"]
    assert body["errors"] == [] and body["order"]["status"] == "SHIPPED"
    assert _on_hand(db) == 322.0


async def test_the_units_one_order_took_are_not_offered_to_the_next(gql: GraphQLClient, db: Engine) -> None:
    # Tried: 250 on hand, then two orders of 200, the first for today, the second two weeks out (past the frozen
    # window, so its rest can be made): the second gets the 50 left, the rest is to make.
    _on_hand(db, 250.0)
    first = (await gql(CREATE, {"input": {"customerCode": "OWN", "requestedDate": TODAY,
                                          "lines": [{"sku": "W-1", "quantity": 200}]}}))["data"]["createOrder"]
    second = (await gql(CREATE, {"input": {"customerCode": "OWN", "requestedDate": LATER,
                                           "lines": [{"sku": "W-1", "quantity": 200}]}}))["data"]["createOrder"]
    assert first["order"]["status"] == "ACCEPTED" and first["order"]["promisedDate"] == TODAY
    assert [line["quantityFromStock"] for line in second["order"]["lines"]] == [50.0]
