"""Rush orders through GraphQL (R6, R15): the reserve first, then moving a non-strategic promise, never a strategic."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from starlette.applications import Starlette

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.api.test_subscriptions import connected, subscribe, wait_for_subscribers
from tests.e2e.lifecycle.conftest import RUSH_DUE, RUSH_WEEK, THIS_WEEK, Plant, fill_regular_hours

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code version status promisedDate rush priorityTier deliveries { sku quantity date }
          review { decision proposedDate criteria { criterion passed } firedRules { ruleSet rule } } }
  substitutes { sku forSku onHand }
  errors { field code message } } }"""
ORDER = """query($code: String!) { order(code: $code) {
  code version status promisedDate deliveries { quantity date } history { kind message } } }"""
LOAD = """query($from: Date!, $weeks: Int!) { capacityLoad(from: $from, weeks: $weeks) {
  week promisedHours rushHoursUsed reservedHours } }"""
# The planned order gives way when due the Friday after the rush week: not a rush itself on any weekday.
PLANNED_DUE = RUSH_WEEK + timedelta(weeks=1, days=4)


async def create(gql: GraphQLClient, customer: str, due: Any, quantity: float, unit_price: str | None = None,
                 key: str | None = None) -> dict[str, Any]:
    line: dict[str, Any] = {"sku": "W-1", "quantity": quantity}
    if unit_price is not None:
        line["unitPrice"] = unit_price
    answer = await gql(CREATE, {"input": {"customerCode": customer, "requestedDate": due.isoformat(),
                                          "lines": [line]}}, key)
    assert "errors" not in answer, answer
    payload = answer["data"]["createOrder"]
    assert payload["errors"] == [], payload
    return payload  # type: ignore[no-any-return]


async def test_a_rush_order_is_inserted_into_the_reserved_capacity(gql: GraphQLClient, db: Engine) -> None:
    fill_regular_hours(db, RUSH_WEEK)
    # 40 units at 1,500 is worth 60,000: a LARGE rush (uses the reserve, moves nothing). The 10 W-1 on hand are all
    # safety stock, which a rush order may take (capacity policy STOCK-FIRST rush_takes_safety_stock): 30 to make,
    # 3 line hours.
    payload = await create(gql, "KEY", RUSH_DUE, 40, unit_price="1500")
    rush = payload["order"]
    assert rush["status"] == "ACCEPTED" and rush["rush"] and rush["promisedDate"] == RUSH_DUE.isoformat()
    assert rush["review"]["decision"] == "ACCEPT" and rush["priorityTier"] == "P2"
    assert ("rush", "LARGE-AMOUNT") in {(f["ruleSet"], f["rule"]) for f in rush["review"]["firedRules"]}
    weeks = (RUSH_WEEK - THIS_WEEK).days // 7 + 1
    loads = (await gql(LOAD, {"from": THIS_WEEK.isoformat(), "weeks": weeks}))["data"]["capacityLoad"]
    assert sum(w["rushHoursUsed"] for w in loads) == 3.0
    assert sum(w["promisedHours"] for w in loads) == 0.0  # not one regular hour was left to promise
    assert all(w["rushHoursUsed"] <= w["reservedHours"] for w in loads)


async def test_a_rush_order_moves_a_regular_promise_which_gets_a_new_date_and_an_event(
    gql: GraphQLClient, db: Engine, app: Starlette, plant: Plant
) -> None:
    planned = (await create(gql, "REG", PLANNED_DUE, 600))["order"]
    assert planned["status"] == "ACCEPTED" and planned["priorityTier"] == "P4"
    # Every other regular hour up to the planned order's week goes to the plan: the rush finds only the reserve.
    fill_regular_hours(db, RUSH_WEEK + timedelta(weeks=1))
    async with connected(app, {"Authorization": f"Bearer {plant.keys['partner']}"}) as ws:
        await subscribe(ws, "subscription { orderEvents { orderCode kind message } }")
        await wait_for_subscribers(app)
        # 200 units are 20 line hours; the reserve up to the rush week holds at most 16.8.
        rush = (await create(gql, "STRAT", RUSH_DUE, 200))["order"]
        message = await ws.receive_json(timeout=10)
    assert rush["status"] == "ACCEPTED" and rush["promisedDate"] == RUSH_DUE.isoformat()
    assert rush["rush"] and rush["priorityTier"] == "P1"
    # The partner of REG hears that its order was moved for a rush order, but not whose: the rush order's code
    # belongs to another customer (STRAT), whose partner system may be another company's.
    assert message["type"] == "next", message
    event = message["payload"]["data"]["orderEvents"]
    assert event["orderCode"] == planned["code"] and event["kind"] == "MOVED"
    assert "rush order" in event["message"] and rush["code"] not in event["message"], event
    moved = (await gql(ORDER, {"code": planned["code"]}))["data"]["order"]
    assert moved["status"] == "ACCEPTED" and moved["version"] == 2
    assert moved["promisedDate"] > PLANNED_DUE.isoformat()
    assert sum(d["quantity"] for d in moved["deliveries"]) == 600.0
    assert max(d["date"] for d in moved["deliveries"]) == moved["promisedDate"]
    assert [h["kind"] for h in moved["history"]] == ["CREATED", "MOVED"]


async def test_a_strategic_promise_is_never_moved_and_the_rush_gets_alternatives(
    gql: GraphQLClient, db: Engine
) -> None:
    kept = (await create(gql, "STRAT-B", PLANNED_DUE, 600))["order"]
    assert kept["status"] == "ACCEPTED" and kept["priorityTier"] == "P1"
    fill_regular_hours(db, RUSH_WEEK + timedelta(weeks=1))
    payload = await create(gql, "STRAT", RUSH_DUE, 200)
    rush = payload["order"]
    assert rush["status"] == "PROPOSED" and rush["review"]["decision"] in ("PROPOSE_DATE", "SPLIT")
    assert rush["promisedDate"] is None and rush["review"]["proposedDate"] > RUSH_DUE.isoformat()
    assert {c["criterion"]: c["passed"] for c in rush["review"]["criteria"]}["CAPACITY"] is False
    # The alternatives: a later date (or a split), and S-1 in stock instead of W-1 (R10).
    assert payload["substitutes"] == [{"sku": "S-1", "forSku": "W-1", "onHand": 1000.0}]
    after = (await gql(ORDER, {"code": kept["code"]}))["data"]["order"]
    assert after["version"] == 1 and after["promisedDate"] == PLANNED_DUE.isoformat()
    assert [h["kind"] for h in after["history"]] == ["CREATED"]
