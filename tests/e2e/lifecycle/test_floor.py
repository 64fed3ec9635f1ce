"""The floor through GraphQL (R7, R10, R11): low stock alerts with substitutes, failures turn promises AT_RISK."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from starlette.applications import Starlette

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.api.test_subscriptions import connected, subscribe, wait_for_subscribers
from tests.e2e.lifecycle.conftest import THIS_WEEK, Plant

PROGRESS = """mutation($input: ProgressInput!) { reportProgress(input: $input) {
  progress { sku quantity onHand } errors { field code message } } }"""
INCIDENT = """mutation($input: IncidentInput!) { reportIncident(input: $input) {
  incident { kind lineCode hours } atRisk { order { code status promisedDate } expectedDate }
  alerts { kind orderCode lineCode } errors { field code message } } }"""
CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status promisedDate } errors { code message } } }"""
NEXT_MONDAY = THIS_WEEK + timedelta(weeks=1)


async def test_stock_below_safety_stock_raises_an_alert_with_a_substitute_and_a_production_suggestion(
    gql: GraphQLClient, app: Starlette, plant: Plant
) -> None:
    async with connected(app, {"Authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
        await subscribe(ws, "subscription { alerts { kind severity sku lineCode open message } }")
        await wait_for_subscribers(app)
        # W-1 has 10 in stock against a safety stock of 50; the MES reports 5 made and 20 scrapped.
        body = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 5, "scrap": 20,
                                              "scrapReason": "burrs"}}, plant.keys["mes"])
        pushed = await ws.receive_json(timeout=10)
    assert body["data"]["reportProgress"] == {"progress": {"sku": "W-1", "quantity": 5.0, "onHand": 15.0},
                                              "errors": []}
    alert = pushed["payload"]["data"]["alerts"]
    assert alert["kind"] == "SAFETY_STOCK" and alert["sku"] == "W-1" and alert["open"]
    assert alert["severity"] == "WARNING" and alert["lineCode"] == "L1"
    assert "Substitutes in stock: S-1 (1000)" in alert["message"]
    assert "Suggested production order PO-W-1-" in alert["message"] and "35 units on L1" in alert["message"]
    listed = await gql("{ alerts(open: true) { totalCount edges { node { kind sku message } } } }")
    assert listed["data"]["alerts"]["totalCount"] == 1
    assert listed["data"]["alerts"]["edges"][0]["node"]["message"] == alert["message"]
    stock = await gql("{ inventory(belowSafetyStock: true) { sku onHand safetyStock belowSafetyStock substitutes } }")
    assert stock["data"]["inventory"] == [
        {"sku": "W-1", "onHand": 15.0, "safetyStock": 50.0, "belowSafetyStock": True, "substitutes": ["S-1"]}]


async def test_an_equipment_failure_turns_a_promise_at_risk_and_the_partner_hears_it(
    gql: GraphQLClient, app: Starlette, plant: Plant
) -> None:
    due = NEXT_MONDAY + timedelta(weeks=1, days=4)  # the Friday of the week after next
    # 800 units are 80 line hours: more than this week's open days hold (at most 35.2 regular hours after
    # the frozen window), so some are made next week; and fewer than one free week takes after the failure.
    created = await gql(CREATE, {"input": {"customerCode": "REG", "requestedDate": due.isoformat(),
                                           "lines": [{"sku": "W-1", "quantity": 800}]}})
    order = created["data"]["createOrder"]["order"]
    assert order["status"] == "ACCEPTED" and order["promisedDate"] == due.isoformat()
    starts = datetime.combine(NEXT_MONDAY, time(6), tzinfo=UTC)
    async with connected(app, {"Authorization": f"Bearer {plant.keys['partner']}"}) as ws:
        await subscribe(ws, 'subscription { orderEvents(customerCode: "REG") { orderCode kind message } }')
        await wait_for_subscribers(app)
        # L1 is down for 200 hours from next Monday: both weeks up to the promise are gone.
        body = await gql(INCIDENT, {"input": {"kind": "EQUIPMENT_FAILURE", "lineCode": "L1", "hours": 200,
                                              "startsAt": starts.isoformat()}}, plant.keys["mes"])
        pushed = await ws.receive_json(timeout=10)
    payload = body["data"]["reportIncident"]
    assert payload["errors"] == [] and payload["incident"] == {"kind": "EQUIPMENT_FAILURE", "lineCode": "L1",
                                                               "hours": 200.0}
    expected = (NEXT_MONDAY + timedelta(weeks=2, days=4)).isoformat()  # made the week after the failure
    promise = {"code": order["code"], "status": "ACCEPTED", "promisedDate": due.isoformat()}
    assert payload["atRisk"] == [{"order": promise, "expectedDate": expected}]
    assert {"kind": "LATE_ORDER", "orderCode": order["code"], "lineCode": "L1"} in payload["alerts"]
    event = pushed["payload"]["data"]["orderEvents"]
    assert event["orderCode"] == order["code"] and event["kind"] == "AT_RISK" and expected in event["message"]
