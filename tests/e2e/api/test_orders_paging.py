"""Filters, ordering and keyset pagination of the orders connection; cursors survive inserts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine

from domain.db import session_scope
from domain.models import OrderStatus
from tests.e2e.api.conftest import GraphQLClient, Plant
from tests.factories import make_customer, make_order, make_product

PAGE = """
query Page($first: Int, $after: String, $filter: OrderFilter, $orderBy: OrderOrderBy) {
  orders(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
  }
}
"""


async def codes(gql: GraphQLClient, **variables: Any) -> list[str]:
    body = await gql(PAGE, {"first": 500, **variables})
    assert "errors" not in body, body
    return [e["node"]["code"] for e in body["data"]["orders"]["edges"]]


async def walk(gql: GraphQLClient, page_size: int, **variables: Any) -> list[str]:
    """Every code, page by page through endCursor."""
    seen: list[str] = []
    after = None
    while True:
        body = await gql(PAGE, {"first": page_size, "after": after, **variables})
        assert "errors" not in body, body
        orders = body["data"]["orders"]
        seen += [e["node"]["code"] for e in orders["edges"]]
        # Forward-only paging says so: never a previous page, and startCursor set whenever the page has rows.
        assert orders["pageInfo"]["hasPreviousPage"] is False
        edges = orders["edges"]
        assert orders["pageInfo"]["startCursor"] == (edges[0]["cursor"] if edges else None)
        if not orders["pageInfo"]["hasNextPage"]:
            return seen
        after = orders["pageInfo"]["endCursor"]


def seed_varied(db: Engine) -> None:
    """Eight orders with distinct dates, amounts and statuses; ties on requested date to test the id tie-break."""
    with session_scope(db) as s:
        a, b = make_customer(s, code="A"), make_customer(s, code="B")
        product = make_product(s, list_price="1.00")
        for i in range(8):
            make_order(
                s, a if i % 2 == 0 else b, code=f"V{7 - i}",
                status=[OrderStatus.RECEIVED, OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.SHIPPED][i % 4],
                lines=[(product, float(10 + (i * 37) % 11), None)],
                requested_date=date(2025, 3, 1 + i // 2),
                promised_date=date(2025, 3, 20 - i) if i % 3 else None,
                received_at=datetime(2025, 2, 1, 8, i, tzinfo=UTC),
                rush=i in (1, 6),
            )


async def test_filters(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed_varied(db)
    # The plant's six orders get requested dates from the factories' process-wide counter (2025-01-06 + n % 60
    # days), so whether one falls on 2025-03-02/03 depends on how many orders earlier tests made: look at V only.
    only_v = {"customerCode": None}
    assert await codes(gql, filter={"customerCode": "A"}) == ["V7", "V5", "V3", "V1"]
    assert await codes(gql, filter={"status": ["SHIPPED", "SCHEDULED"], "customerCode": "B"}) == ["V4", "V0"]
    assert await codes(gql, filter={"rush": True}) == ["V6", "V1"]
    due_codes = await codes(gql, filter={"dueFrom": "2025-03-02", "dueTo": "2025-03-03", **only_v})
    assert [c for c in due_codes if c.startswith("V")] == [
        "V5", "V4", "V3", "V2"]
    promised = {"promisedFrom": "2025-03-14", "promisedTo": "2025-03-18"}
    assert await codes(gql, filter=promised) == ["V5", "V3", "V2"]
    body = await gql(PAGE, {"filter": {"customerCode": "A", "status": ["RECEIVED"]}})
    assert body["data"]["orders"]["totalCount"] == 2


async def test_ordering_both_directions_with_ties(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed_varied(db)
    only = {"filter": {"status": ["RECEIVED", "ACCEPTED", "SCHEDULED", "SHIPPED"], "customerCode": None}}
    by_code = await codes(gql, orderBy={"field": "CODE", "direction": "ASC"}, **only)
    assert [c for c in by_code if c.startswith("V")] == [f"V{i}" for i in range(8)]
    assert await codes(gql, orderBy={"field": "CODE", "direction": "DESC"}, **only) == list(reversed(by_code))
    amounts = await gql("{ orders(orderBy: {field: AMOUNT, direction: DESC}) { edges { node { amount } } } }")
    values = [Decimal(e["node"]["amount"]) for e in amounts["data"]["orders"]["edges"]]
    assert values == sorted(values, reverse=True)
    # Promised date: orders without a promise come last when ascending.
    promised = await gql("{ orders(first: 500, orderBy: {field: PROMISED_DATE}) { edges { node { promisedDate } } } }")
    dates = [e["node"]["promisedDate"] for e in promised["data"]["orders"]["edges"]]
    assert dates == sorted(d for d in dates if d) + [None] * dates.count(None)
    for field in ("RECEIVED_AT", "REQUESTED_DATE", "PROMISED_DATE", "CODE", "AMOUNT"):
        for direction in ("ASC", "DESC"):
            order_by = {"field": field, "direction": direction}
            assert await walk(gql, 3, orderBy=order_by) == await codes(gql, orderBy=order_by), order_by


async def test_cursors_stay_valid_while_orders_are_added(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed_varied(db)
    order_by = {"field": "REQUESTED_DATE", "direction": "ASC"}
    first = await gql(PAGE, {"first": 4, "orderBy": order_by})
    page_one = [e["node"]["code"] for e in first["data"]["orders"]["edges"]]
    cursor = first["data"]["orders"]["pageInfo"]["endCursor"]
    with session_scope(db) as s:  # new orders before and after the cursor's position
        customer, product = make_customer(s), make_product(s)
        make_order(s, customer, code="EARLY", requested_date=date(2024, 1, 1), lines=[(product, 1, None)])
        make_order(s, customer, code="LATE", requested_date=date(2030, 1, 1), lines=[(product, 1, None)])
    rest = await walk_from(gql, cursor, order_by)
    everything = await codes(gql, orderBy=order_by)
    assert "EARLY" not in rest and rest[-1] == "LATE"
    assert page_one + rest == [c for c in everything if c != "EARLY"]


async def walk_from(gql: GraphQLClient, after: str, order_by: dict[str, str]) -> list[str]:
    seen: list[str] = []
    while after:
        body = await gql(PAGE, {"first": 3, "after": after, "orderBy": order_by})
        orders = body["data"]["orders"]
        seen += [e["node"]["code"] for e in orders["edges"]]
        after = orders["pageInfo"]["endCursor"] if orders["pageInfo"]["hasNextPage"] else None
    return seen


async def test_products_customers_alerts_pages(gql: GraphQLClient, plant: Plant) -> None:
    body = await gql(
        "{ products(first: 1) { totalCount edges { node { sku listPrice maturity } } "
        "pageInfo { hasNextPage endCursor } } }"
    )
    products = body["data"]["products"]
    assert products["totalCount"] == 2 and products["pageInfo"]["hasNextPage"] is True
    assert products["edges"][0]["node"] == {"sku": "SKU0", "listPrice": "10.00", "maturity": "PROVEN"}
    after = products["pageInfo"]["endCursor"]
    rest = await gql("query($a: String) { products(after: $a) { edges { node { sku } } } }", {"a": after})
    assert rest["data"]["products"]["edges"] == [{"node": {"sku": "SKU1"}}]
    customers = await gql("{ customers { edges { node { code } } } }")
    assert [e["node"]["code"] for e in customers["data"]["customers"]["edges"]] == ["CUST0", "CUST1"]
    alerts = await gql("{ alerts(open: true) { totalCount edges { node { id } } } }")
    assert alerts["data"]["alerts"] == {"totalCount": 0, "edges": []}
