"""Reading orders through GraphQL: authentication, a viewer's view, a partner's scope."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.models import (
    Delivery,
    DeliveryStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderReview,
    OrderStatus,
    ReviewDecision,
)
from tests.e2e.api.conftest import GraphQLClient, Plant

ORDERS = """
query Orders($first: Int) {
  orders(first: $first) {
    totalCount
    edges { cursor node { id code status amount customer { code tier } lines { quantity unitPrice product { sku } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_no_key_gets_401_and_no_data(gql: GraphQLClient) -> None:
    response = await gql.http.post("/graphql", json={"query": "{ orders { totalCount } }"})
    assert response.status_code == 401
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_wrong_key_gets_401_and_no_data(gql: GraphQLClient) -> None:
    for key in ("sop_000000000000_nope", "garbage", "Bearer"):
        response = await gql.post("{ orders { totalCount } }", key=key)
        assert response.status_code == 401, key
        assert response.json()["data"] is None


async def test_viewer_lists_orders_with_customer_and_lines(gql: GraphQLClient) -> None:
    body = await gql(ORDERS, {"first": 10})
    assert "errors" not in body, body
    orders = body["data"]["orders"]
    assert orders["totalCount"] == 6
    first = orders["edges"][0]["node"]
    assert first["code"] == "ORD-0-0"
    assert first["customer"] == {"code": "CUST0", "tier": "REGULAR"}
    assert first["lines"] == [
        {"quantity": 5.0, "unitPrice": "10.00", "product": {"sku": "SKU0"}},
        {"quantity": 2.0, "unitPrice": "12.50", "product": {"sku": "SKU1"}},
    ]
    assert first["amount"] == "75.00"
    assert orders["pageInfo"]["hasNextPage"] is False


async def test_partner_sees_only_its_customers_orders(gql: GraphQLClient, plant: Plant) -> None:
    partner = plant.keys["partner"]
    body = await gql("{ orders(first: 50) { totalCount edges { node { code id customer { code } } } } }", key=partner)
    orders = body["data"]["orders"]
    assert orders["totalCount"] == 3
    assert {e["node"]["customer"]["code"] for e in orders["edges"]} == {"CUST0"}
    # Filtering on another customer's code finds nothing rather than an error: those orders do not exist for it.
    body = await gql('{ orders(filter: {customerCode: "CUST1"}) { totalCount edges { node { code } } } }', key=partner)
    assert body["data"]["orders"] == {"totalCount": 0, "edges": []}
    customers = await gql("{ customers { totalCount edges { node { code } } } }", key=partner)
    assert customers["data"]["customers"]["totalCount"] == 1


async def test_partner_cannot_read_another_customers_order_by_code_or_id(gql: GraphQLClient, plant: Plant) -> None:
    other = await gql('{ order(code: "ORD-1-0") { id code } }')  # the viewer sees it and gives us its id
    other_id = other["data"]["order"]["id"]
    partner = plant.keys["partner"]
    assert (await gql('{ order(code: "ORD-1-0") { code } }', key=partner))["data"]["order"] is None
    query = "query($id: ID!) { node(id: $id) { id ... on Order { code history { kind } } } }"
    assert (await gql(query, {"id": other_id}, key=partner))["data"]["node"] is None
    own = (await gql('{ order(code: "ORD-0-1") { id } }', key=partner))["data"]["order"]["id"]
    found = await gql(query, {"id": own}, key=partner)
    assert found["data"]["node"] == {"id": own, "code": "ORD-0-1", "history": []}


async def test_order_by_code_with_review_deliveries_and_history(gql: GraphQLClient) -> None:
    body = await gql('{ order(code: "ORD-0-0") { code version status rush review { decision } deliveries { sku } '
                     "history { kind } customer { name } } }")
    order = body["data"]["order"]
    assert order.pop("customer")["name"]
    assert order == {
        "code": "ORD-0-0", "version": 1, "status": "RECEIVED", "rush": False, "review": None, "deliveries": [],
        "history": [],
    }
    assert (await gql('{ order(code: "NOPE") { code } }'))["data"]["order"] is None


async def test_every_role_may_read(gql: GraphQLClient, plant: Plant) -> None:
    for role in ("viewer", "mes", "planner", "admin"):
        body = await gql("{ orders { totalCount } productionLines { code } inventory { sku } }", key=plant.keys[role])
        assert body["data"]["orders"]["totalCount"] == 6, role


async def test_review_deliveries_and_history_of_a_reviewed_order(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    with session_scope(db) as s:
        order = s.scalars(select(Order).where(Order.code == "ORD-0-1")).one()
        line = s.scalars(select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.line_no == 2)).one()
        s.add(OrderReview(order_id=order.id, decision=ReviewDecision.PROPOSE_DATE, rules_version="old", facts={},
                          criteria=[], fired_rules=[], proposed_date=None, proposed_deliveries=[]))
        s.add(OrderReview(
            order_id=order.id, decision=ReviewDecision.SPLIT, rules_version="v2", facts={},
            criteria=[{"criterion": "CAPACITY", "passed": False, "message": "line L1 full in week 12"}],
            fired_rules=[{"rule_set": "review", "rule": "split-when-partial", "message": "half now"}],
            proposed_date=date(2025, 3, 20),
            proposed_deliveries=[{"sku": "SKU1", "quantity": 1.0, "date": "2025-03-10"},
                                 {"sku": "SKU1", "quantity": 1.0, "date": "2025-03-20"}],
        ))
        s.add(Delivery(order_id=order.id, order_line_id=line.id, quantity=2.0, date=date(2025, 3, 10),
                       status=DeliveryStatus.PROMISED))
        s.add(OrderEvent(order_id=order.id, order_code=order.code, customer_id=order.customer_id, kind="CREATED",
                         actor="partner:x", from_status=None, to_status=OrderStatus.ACCEPTED))
    body = await gql('{ order(code: "ORD-0-1") { review { decision rulesVersion proposedDate '
                     "criteria { criterion passed message } firedRules { ruleSet rule message } "
                     "deliveries { sku quantity date } } deliveries { sku quantity date } "
                     "history { kind actor fromStatus toStatus } } }")
    order_data = body["data"]["order"]
    assert order_data["review"] == {
        "decision": "SPLIT", "rulesVersion": "v2", "proposedDate": "2025-03-20",
        "criteria": [{"criterion": "CAPACITY", "passed": False, "message": "line L1 full in week 12"}],
        "firedRules": [{"ruleSet": "review", "rule": "split-when-partial", "message": "half now"}],
        "deliveries": [{"sku": "SKU1", "quantity": 1.0, "date": "2025-03-10"},
                       {"sku": "SKU1", "quantity": 1.0, "date": "2025-03-20"}],
    }
    assert order_data["deliveries"] == [{"sku": "SKU1", "quantity": 2.0, "date": "2025-03-10"}]
    assert order_data["history"] == [{"kind": "CREATED", "actor": "partner:x", "fromStatus": None,
                                      "toStatus": "ACCEPTED"}]
