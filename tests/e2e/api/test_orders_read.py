"""Reading orders through GraphQL: authentication, a viewer's view, a partner's scope."""

from __future__ import annotations

from tests.e2e.api.conftest import GraphQLClient

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
