"""Master data cached per process (domain/reference.py) is dropped when any writer changes it: another process's
engine, psql, an import. App A caches; engine B (another process, for all A knows) changes; A's next request sees it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import Engine, delete, event, select, update
from starlette.applications import Starlette

from domain.db import session_scope
from domain.models import CapacityReservation, Customer, Order, Product, ProductionLine, Routing
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.orders.conftest import Shop
from tests.factories import make_production_line

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status } errors { code message } } }"""


def order(code: str, customer: str = "OWN", sku: str = "W-1") -> dict[str, Any]:
    due = (date.today() + timedelta(days=42)).isoformat()
    return {"input": {"code": code, "customerCode": customer, "requestedDate": due,
                      "lines": [{"sku": sku, "quantity": 10}]}}


def reserved_lines(db: Engine, code: str) -> set[str]:
    with session_scope(db) as s:
        return set(s.scalars(select(ProductionLine.code).join(CapacityReservation,
                                                              CapacityReservation.line_id == ProductionLine.id)
                             .join(Order, Order.id == CapacityReservation.order_id).where(Order.code == code)))


class Statements:
    """The SQL app A runs (its own engine only: B's statements are not counted)."""

    def __init__(self, app: Starlette) -> None:
        self.seen: list[str] = []
        event.listen(app.state.engine.sync_engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *args: self.seen.append(statement))

    def reading(self, table: str) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s]


async def test_a_routing_changed_by_another_engine_is_seen_by_the_next_create(
    app: Starlette, gql: GraphQLClient, shop: Shop, db: Engine
) -> None:
    """Input tried: W-1 made on L1 only; A creates two orders (the second from its cache); engine B moves W-1's
    route to a new line L2; A's third order must hold hours on L2, as a fresh process would."""
    sql = Statements(app)
    for code in ("CACHE-0", "CACHE-1"):  # the first records the key's use in a session of its own: uncached
        first = await gql(CREATE, order(code))
        assert first["data"]["createOrder"]["errors"] == [], first
    sql.seen.clear()
    second = await gql(CREATE, order("CACHE-2"))
    assert second["data"]["createOrder"]["order"]["status"] == "ACCEPTED", second
    # From the cache: no customer/product/route, bill or calendar read (the version rides on the sign-in).
    assert sql.reading("customers") == [] and sql.reading("bom_items") == [], sql.seen
    assert sql.reading("production_lines") == [], sql.seen
    assert reserved_lines(db, "CACHE-2") == {"L1"}

    with session_scope(db) as s:  # engine B: what another process, `sop import` or psql would do
        l2 = make_production_line(s, "L2", weekly_capacity_hours=200.0)
        w1 = s.scalar(select(Product.id).where(Product.sku == "W-1"))
        s.execute(delete(Routing).where(Routing.product_id == w1))
        s.add(Routing(line_id=l2.id, product_id=w1, units_per_hour=10.0))
    third = await gql(CREATE, order("CACHE-3"))
    assert third["data"]["createOrder"]["order"]["status"] == "ACCEPTED", third
    assert reserved_lines(db, "CACHE-3") == {"L2"}


async def test_a_customer_retired_by_another_engine_is_refused_at_once(
    app: Starlette, gql: GraphQLClient, shop: Shop, db: Engine
) -> None:
    """Input tried: OWN orders once through A (cached), then engine B retires OWN; A refuses OWN's next order."""
    for code in ("RET-0", "RET-1"):
        assert (await gql(CREATE, order(code)))["data"]["createOrder"]["errors"] == []
    with session_scope(db) as s:
        s.execute(update(Customer).where(Customer.code == "OWN").values(retired_at=Customer.created_at))
    answer = await gql(CREATE, order("RET-2"))
    assert [e["code"] for e in answer["data"]["createOrder"]["errors"]] == ["INVALID"], answer


async def test_stock_written_all_day_keeps_the_cache(
    app: Starlette, gql: GraphQLClient, shop: Shop, db: Engine
) -> None:
    """Input tried: engine B changes W-1's stock on hand (as progress reports and shipments do): the version does not
    move, so A's next create reads no master data again; the free stock itself is always read fresh."""
    sql = Statements(app)
    for code in ("STOCK-0", "STOCK-1"):
        assert (await gql(CREATE, order(code)))["data"]["createOrder"]["errors"] == []
    with session_scope(db) as s:
        s.execute(update(Product).where(Product.sku == "W-1").values(on_hand=Product.on_hand + 5))
    sql.seen.clear()
    assert (await gql(CREATE, order("STOCK-2")))["data"]["createOrder"]["errors"] == []
    assert sql.reading("customers") == [], sql.seen


async def test_a_process_that_never_cached_reads_everything(client: httpx.AsyncClient, shop: Shop) -> None:
    """Input tried: the first request of a fresh app (nothing cached yet) for a customer that does not exist."""
    gql = GraphQLClient(client, shop.keys["planner"])
    answer = await gql(CREATE, order("NONE-1", customer="NOBODY"))
    assert [e["code"] for e in answer["data"]["createOrder"]["errors"]] == ["NOT_FOUND"], answer


UPDATE = """mutation($input: UpdateOrderInput!) { updateOrder(input: $input) {
  order { code status version } errors { code message } } }"""


async def test_an_update_takes_its_master_data_from_the_cache_and_sees_a_route_moved(
    app: Starlette, gql: GraphQLClient, shop: Shop, db: Engine
) -> None:
    """Input tried: an order for W-1 (made on L1) is moved to a later date twice through A: the second update reads
    no customer, product or route (the order names them by id; the cache keeps them by id too). Then engine B moves
    W-1's route to a new line L2: A's next update holds hours on L2, as a fresh process would."""
    sql = Statements(app)
    for code in ("UPD-0", "UPD-1"):  # the first records the key's use in a session of its own: uncached
        assert (await gql(CREATE, order(code)))["data"]["createOrder"]["errors"] == []
    version = 1

    async def moved(days: int) -> dict[str, Any]:
        nonlocal version
        due = (date.today() + timedelta(days=days)).isoformat()
        answer = await gql(UPDATE, {"input": {"code": "UPD-1", "expectedVersion": version, "requestedDate": due}})
        assert answer["data"]["updateOrder"]["errors"] == [], answer
        version = answer["data"]["updateOrder"]["order"]["version"]
        return answer

    await moved(49)
    sql.seen.clear()
    assert (await moved(56))["data"]["updateOrder"]["order"]["status"] == "ACCEPTED"
    assert sql.reading("customers") == [] and sql.reading("routings") == [], sql.seen
    # The free stock is read fresh (products.on_hand, written all day); the product rows themselves are not.
    assert [s for s in sql.reading("products") if "products.sku" in s] == [], sql.seen
    assert reserved_lines(db, "UPD-1") == {"L1"}

    with session_scope(db) as s:  # engine B: what another process, `sop import` or psql would do
        l2 = make_production_line(s, "L2", weekly_capacity_hours=200.0)
        w1 = s.scalar(select(Product.id).where(Product.sku == "W-1"))
        s.execute(delete(Routing).where(Routing.product_id == w1))
        s.add(Routing(line_id=l2.id, product_id=w1, units_per_hour=10.0))
    assert (await moved(63))["data"]["updateOrder"]["order"]["status"] == "ACCEPTED"
    assert reserved_lines(db, "UPD-1") == {"L2"}
