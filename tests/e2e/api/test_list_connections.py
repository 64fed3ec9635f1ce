"""Lists that grow with the plant page as Relay connections, the same rows as their whole lists; a refused page
argument nulls its field alone and the request still answers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.models import (
    CurrentPlan,
    ForecastTier,
    Notice,
    Order,
    Payment,
    Plan,
    PlanItem,
    RushCause,
    RushInsertion,
)
from tests.e2e.api.conftest import GraphQLClient, Plant
from tests.factories import make_product, make_production_line

MONDAY = date(2026, 11, 30)


def seed(db: Engine, plant: Plant) -> None:
    """ORD-0-1: four payments (two on one day) and three notices, ORD-1-1 one of each; eleven products, three of
    them below safety stock; a plan in force with seven weekly items over two lines (four on LA) and three daily
    tasks; rush actions on three orders (one closed) and a rush order without one."""
    with session_scope(db) as s:
        orders = {o.code: o for o in s.scalars(select(Order))}
        for day, amount in ((3, "10.00"), (1, "20.00"), (1, "30.00"), (2, "40.00")):
            s.add(Payment(order_id=orders["ORD-0-1"].id, amount=Decimal(amount), paid_on=MONDAY + timedelta(day)))
        s.add(Payment(order_id=orders["ORD-1-1"].id, amount=Decimal("99.00"), paid_on=MONDAY))
        for code, kind in (("ORD-0-1", "AT_RISK"), ("ORD-1-1", "LATE"), ("ORD-0-1", "MOVED"), ("ORD-0-1", "LATE")):
            order = orders[code]
            s.add(Notice(order_id=order.id, customer_id=order.customer_id, order_code=code, kind=kind,
                         message=f"{kind} {code}"))
        for i in range(9):
            make_product(s, sku=f"INV{i}", on_hand=5 if i % 3 == 0 else 50, safety_stock=10)
        lines = [make_production_line(s, code=code) for code in ("LB", "LA")]
        plan = Plan(version=1, tier=ForecastTier.MID, horizon_start=MONDAY, horizon_weeks=4, frozen_until=MONDAY,
                    inputs_fingerprint="f")
        s.add(plan)
        s.flush()
        s.add(CurrentPlan(plan_id=plan.id))
        for week, line in ((2, 0), (0, 1), (1, 0), (0, 0), (3, 1), (1, 1), (2, 1)):
            s.add(PlanItem(plan_id=plan.id, week=MONDAY + timedelta(weeks=week), line_id=lines[line].id,
                           product_id=plant.products[week % 2].id, quantity=10.0 + week, hours=2.0))
        for day in (2, 0, 1):
            s.add(PlanItem(plan_id=plan.id, week=MONDAY, day=MONDAY + timedelta(day), line_id=lines[0].id,
                           product_id=plant.products[0].id, quantity=float(day), hours=1.0))
        due = date.today() + timedelta(days=30)
        for code, days, closed in (("ORD-0-2", 3, False), ("ORD-1-1", 1, True), ("ORD-1-2", 3, False),
                                   ("ORD-0-1", 2, False)):
            s.add(RushInsertion(order_id=orders[code].id, cause=RushCause.DEMAND_ABOVE_FORECAST, succeeded=True,
                                owner="ann" if code != "ORD-0-1" else None, due_on=due + timedelta(days),
                                closed_at=datetime(2026, 12, 1) if closed else None))


async def walk(gql: GraphQLClient, query: str, path: list[str], variables: dict[str, Any] | None = None,
               key: str | None = None, size: int = 2) -> tuple[list[Any], Any]:
    """Every node of the connection at `path`, `size` a page, checking each page's PageInfo and totalCount; and
    the data of the last answer (where the whole list sits beside the connection)."""
    nodes: list[Any] = []
    after = None
    while True:
        body = await gql(query, {**(variables or {}), "first": size, "after": after}, key)
        assert "errors" not in body, body
        page = body["data"]
        for step in path:
            page = page[step]
        edges = page["edges"]
        info = page["pageInfo"]
        assert len(edges) <= size and info["hasPreviousPage"] is False
        assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
        assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
        nodes += [e["node"] for e in edges]
        if not info["hasNextPage"]:
            assert page["totalCount"] == len(nodes)
            return nodes, body["data"]
        after = info["endCursor"]


PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { %s } }"
NOTICES = """query($first: Int, $after: String) { order(code: "ORD-0-1") {
  notices { kind message } noticesConnection(first: $first, after: $after) { %s } } }"""
PAYMENTS = """query($first: Int, $after: String) { order(code: "ORD-0-1") {
  payments { amount paidOn } paymentsConnection(first: $first, after: $after) { %s } } }"""


async def test_an_orders_notices_and_payments_page_like_their_whole_lists(
    db: Engine, gql: GraphQLClient, plant: Plant
) -> None:
    seed(db, plant)
    for key in (None, plant.keys["partner"]):  # the partner's own customer's order
        notices, data = await walk(gql, NOTICES % (PAGE % "kind message"), ["order", "noticesConnection"], key=key)
        assert [n["kind"] for n in notices] == ["AT_RISK", "MOVED", "LATE"]  # oldest first, none of ORD-1-1's
        assert notices == data["order"]["notices"]
        payments, data = await walk(gql, PAYMENTS % (PAGE % "amount paidOn"), ["order", "paymentsConnection"],
                                    key=key, size=3)
        assert [p["amount"] for p in payments] == ["20.00", "30.00", "40.00", "10.00"]  # by day, then as recorded
        assert payments == data["order"]["payments"]


PLAN = """query($first: Int, $after: String, $daily: Boolean!, $line: String, $week: Date) { plan {
  items(daily: $daily, lineCode: $line, week: $week) { week day lineCode sku quantity }
  itemsConnection(first: $first, after: $after, daily: $daily, lineCode: $line, week: $week) { %s } } }"""


async def test_plan_items_page_by_week_and_daily_tasks_by_day(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db, plant)
    query = PLAN % (PAGE % "week day lineCode sku quantity")
    for variables, expected in (({"daily": False}, 7), ({"daily": True}, 3), ({"daily": False, "line": "LA"}, 4),
                                ({"daily": False, "week": str(MONDAY + timedelta(weeks=1, days=2))}, 2)):
        items, data = await walk(gql, query, ["plan", "itemsConnection"], variables, key=plant.keys["planner"])
        assert len(items) == expected
        # the same rows as the whole list (which also orders a week's items by line and sku)
        key = lambda i: (i["week"], i["day"] or "", i["lineCode"], i["sku"])  # noqa: E731
        assert sorted(items, key=key) == data["plan"]["items"]
        assert [i["day"] or i["week"] for i in items] == sorted(i["day"] or i["week"] for i in items)
    # a cursor of the weekly items is not one of the daily tasks
    first = await gql(query, {"daily": False, "first": 1}, plant.keys["planner"])
    cursor = first["data"]["plan"]["itemsConnection"]["pageInfo"]["endCursor"]
    refused = await gql(query, {"daily": True, "first": 1, "after": cursor}, plant.keys["planner"])
    assert refused["errors"][0]["extensions"]["argument"] == "after"
    assert refused["data"]["plan"]["itemsConnection"] is None and len(refused["data"]["plan"]["items"]) == 3


INVENTORY = """query($first: Int, $after: String, $below: Boolean) {
  inventory(belowSafetyStock: $below) { sku onHand belowSafetyStock substitutes }
  inventoryConnection(first: $first, after: $after, belowSafetyStock: $below) { %s } }"""


async def test_inventory_pages_by_sku(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db, plant)
    for below, expected in ((None, 11), (True, 3), (False, 8)):
        positions, data = await walk(gql, INVENTORY % (PAGE % "sku onHand belowSafetyStock substitutes"),
                                     ["inventoryConnection"], {"below": below}, size=4)
        assert len(positions) == expected and positions == data["inventory"]
    refused = await gql.post(INVENTORY % "totalCount", {"first": 1}, key=plant.keys["partner"])
    assert "FORBIDDEN" in refused.text


RUSH = "query($first: Int, $after: String, $open: Boolean) { rushActions(first: $first, after: $after, open: $open) " \
       "{ %s } }"


async def test_rush_actions_page_due_first(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db, plant)
    query = RUSH % (PAGE % "orderCode closedAt")
    every, _ = await walk(gql, query, ["rushActions"], size=1)
    assert [a["orderCode"] for a in every] == ["ORD-1-1", "ORD-0-2", "ORD-1-2"]  # due first; none without an owner
    opened, _ = await walk(gql, query, ["rushActions"], {"open": True}, size=1)
    assert [a["orderCode"] for a in opened] == ["ORD-0-2", "ORD-1-2"]


BOTH = """query($first: Int) { order(code: "ORD-0-1") { code history { kind }
  historyConnection(first: $first) { totalCount } } }"""


async def test_a_refused_page_size_nulls_its_field_alone_and_the_request_answers(
    gql: GraphQLClient, plant: Plant
) -> None:
    """Before, `history` beside `historyConnection(first: -1)` ended in "closed database" when the request closed:
    graphql-core cancelled the sibling while the history's DataLoader batch still read in the request's session,
    and the session was closed under it (HTTP 500, no answer)."""
    for first in (-1, 501):
        body = await gql(BOTH, {"first": first})
        [error] = body["errors"]
        assert error["extensions"] == {"code": "INVALID", "argument": "first"}
        assert error["message"].startswith("Argument 'first': must be between 0 and 500")
        assert error["path"] == ["order", "historyConnection"]
        order = body["data"]["order"]
        assert order["code"] == "ORD-0-1" and order["history"] is not None and order["historyConnection"] is None
    # A top-level connection is non-null (as the contract's are): its refusal nulls the data, and still answers.
    mixed = await gql.post('query { order(code: "ORD-0-1") { history { kind } } alerts(first: -1) { totalCount } }')
    assert mixed.status_code == 200 and mixed.json()["errors"][0]["extensions"]["argument"] == "first"
    # and the service goes on answering with the same pool
    assert (await gql(BOTH, {"first": 1}))["data"]["order"]["historyConnection"]["totalCount"] >= 0
