"""productionOrders and releaseProductionOrder through GraphQL: listed, released by a planner only."""

from __future__ import annotations

from datetime import date, timedelta

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.orders.conftest import Shop

DUE = (date.today() + timedelta(days=28)).isoformat()
LIST = """query($status: ProductionOrderStatus) { productionOrders(status: $status) {
  totalCount edges { node { id code sku lineCode orderCode quantity dueDate status reason } } } }"""
RELEASE = """mutation($id: ID!) { releaseProductionOrder(input: {id: $id}) {
  productionOrder { code status } errors { code message field } } }"""


async def test_an_accepted_order_shows_its_production_order_and_a_planner_releases_it(
    gql: GraphQLClient, shop: Shop
) -> None:
    """Input: 300 W-1 due in 4 weeks with nothing in stock; the production order released by a viewer
    (FORBIDDEN), by the planner (RELEASED), by the planner again (INVALID_TRANSITION)."""
    created = await gql("""mutation($input: OrderInput!) { createOrder(input: $input) { order { code status } } }""",
                        {"input": {"customerCode": "OWN", "requestedDate": DUE,
                                   "lines": [{"sku": "W-1", "quantity": 300}]}})
    code = created["data"]["createOrder"]["order"]["code"]
    listed = (await gql(LIST, {"status": "SUGGESTED"}))["data"]["productionOrders"]
    assert listed["totalCount"] == 1
    node = listed["edges"][0]["node"]
    assert (node["sku"], node["lineCode"], node["orderCode"], node["quantity"], node["status"]) == (
        "W-1", "L1", code, 300.0, "SUGGESTED")
    viewer = await gql(RELEASE, {"id": node["id"]}, shop.keys["viewer"])
    assert viewer["data"]["releaseProductionOrder"]["errors"][0]["code"] == "FORBIDDEN"
    released = await gql(RELEASE, {"id": node["id"]})
    assert released["data"]["releaseProductionOrder"]["productionOrder"]["status"] == "RELEASED"
    again = await gql(RELEASE, {"id": node["id"]})
    assert again["data"]["releaseProductionOrder"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await gql(LIST, {"status": "SUGGESTED"}))["data"]["productionOrders"]["totalCount"] == 0
    partner = await gql(LIST, {}, shop.keys["partner"])
    assert partner["data"] is None and partner["errors"][0]["extensions"]["code"] == "FORBIDDEN"
