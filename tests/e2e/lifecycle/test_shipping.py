"""Shipping through GraphQL: in parts and in full, stock and deliveries follow, bad shipments change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.models import Delivery, DeliveryStatus, Product, StockMovement, StockMovementKind, utcnow
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import TODAY, Plant

ORDER_FIELDS = "code version status shippedAt lines { quantity quantityMade quantityShipped }"
CREATE = f"""mutation($input: OrderInput!) {{ createOrder(input: $input) {{
  order {{ {ORDER_FIELDS} }} errors {{ code message }} }} }}"""
PROGRESS = """mutation($input: ProgressInput!) { reportProgress(input: $input) {
  orders { code status } errors { field code message } } }"""
SHIP = f"""mutation($input: ShipOrderInput!) {{ shipOrder(input: $input) {{
  order {{ {ORDER_FIELDS} }} errors {{ field code message }} }} }}"""
ORDER = f"""query($code: String!) {{ order(code: $code) {{ {ORDER_FIELDS}
  history {{ kind fromStatus toStatus message }} feedback {{ kind cause message orderCode }} }} }}"""
DUE = TODAY + timedelta(weeks=4)


async def _order(gql: GraphQLClient, code: str, quantity: float, made: float, plant: Plant) -> dict[str, Any]:
    """An accepted order of `quantity` W-1 for REG with `made` of them reported made for it."""
    created = await gql(CREATE, {"input": {"code": code, "customerCode": "REG", "requestedDate": DUE.isoformat(),
                                           "lines": [{"sku": "W-1", "quantity": quantity}]}})
    assert created["data"]["createOrder"]["order"]["status"] == "ACCEPTED", created
    if made:
        progress = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": made,
                                                  "orderCode": code}}, plant.keys["mes"])
        assert progress["data"]["reportProgress"]["errors"] == [], progress
    return (await gql(ORDER, {"code": code}))["data"]["order"]  # type: ignore[no-any-return]


def _on_hand(db: Engine) -> float:
    with Session(db) as s:
        return float(s.scalar(select(Product.on_hand).where(Product.sku == "W-1")) or 0.0)


async def test_an_order_in_stock_ships_in_full(gql: GraphQLClient, plant: Plant, db: Engine) -> None:
    order = await _order(gql, "SO-FULL", 40, 40, plant)
    assert order["status"] == "IN_STOCK"
    assert _on_hand(db) == 50.0  # 10 before, 40 made

    shipped = await gql(SHIP, {"input": {"code": "SO-FULL", "expectedVersion": order["version"]}},
                        plant.keys["partner"])

    body = shipped["data"]["shipOrder"]
    assert body["errors"] == []
    assert body["order"]["status"] == "SHIPPED" and body["order"]["shippedAt"] is not None
    assert body["order"]["lines"] == [{"quantity": 40.0, "quantityMade": 40.0, "quantityShipped": 40.0}]
    assert body["order"]["version"] > order["version"]
    assert _on_hand(db) == 10.0
    with Session(db) as s:
        movements = s.scalars(select(StockMovement.quantity).where(StockMovement.kind == StockMovementKind.SHIPPED))
        assert list(movements) == [-40.0]
        assert set(s.scalars(select(Delivery.status))) == {DeliveryStatus.DELIVERED}
    history = (await gql(ORDER, {"code": "SO-FULL"}))["data"]["order"]["history"]
    assert history[-1]["kind"] == "SHIPPED" and history[-1]["fromStatus"] == "IN_STOCK"
    assert history[-1]["toStatus"] == "SHIPPED" and "W-1 40 (40/40)" in history[-1]["message"]
    # W-1's stock (10) fell below its safety stock (50) again: the alert is open.
    alerts = await gql("{ alerts(open: true) { edges { node { kind sku } } } }")
    assert {"kind": "SAFETY_STOCK", "sku": "W-1"} in [e["node"] for e in alerts["data"]["alerts"]["edges"]]


async def test_a_split_ships_its_first_part_while_the_rest_is_made(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    order = await _order(gql, "SO-PART", 100, 60, plant)
    assert order["status"] == "IN_PRODUCTION"

    first = await gql(SHIP, {"input": {"code": "SO-PART", "expectedVersion": order["version"],
                                       "lines": [{"sku": "W-1", "quantity": 60}]}})
    part = first["data"]["shipOrder"]["order"]
    assert first["data"]["shipOrder"]["errors"] == []
    assert part["status"] == "IN_PRODUCTION" and part["shippedAt"] is None
    assert part["lines"] == [{"quantity": 100.0, "quantityMade": 60.0, "quantityShipped": 60.0}]
    with Session(db) as s:  # the one promised delivery of 100 is not covered by 60
        assert set(s.scalars(select(Delivery.status))) == {DeliveryStatus.PROMISED}

    # Tried: one unit more than made and not shipped yet.
    more = await gql(SHIP, {"input": {"code": "SO-PART", "expectedVersion": part["version"],
                                      "lines": [{"sku": "W-1", "quantity": 1}]}})
    assert more["data"]["shipOrder"]["order"] is None
    [error] = more["data"]["shipOrder"]["errors"]
    assert error["code"] == "INVALID" and error["field"] == ["lines", "0", "quantity"]
    assert "only 0 made or taken from stock for order SO-PART and not shipped yet" in error["message"]

    await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 40, "orderCode": "SO-PART"}},
              plant.keys["mes"])
    now = (await gql(ORDER, {"code": "SO-PART"}))["data"]["order"]
    assert now["status"] == "IN_STOCK"
    rest = await gql(SHIP, {"input": {"code": "SO-PART", "expectedVersion": now["version"]}})
    done = rest["data"]["shipOrder"]["order"]
    assert done["status"] == "SHIPPED"
    assert done["lines"] == [{"quantity": 100.0, "quantityMade": 100.0, "quantityShipped": 100.0}]
    kinds = [event["kind"] for event in (await gql(ORDER, {"code": "SO-PART"}))["data"]["order"]["history"]]
    assert kinds[-2:] == ["STATUS", "SHIPPED"] and "SHIPPED_PART" in kinds
    assert _on_hand(db) == 10.0
    with Session(db) as s:
        assert set(s.scalars(select(Delivery.status))) == {DeliveryStatus.DELIVERED}


async def test_bad_shipments_say_what_and_where_and_change_nothing(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    order = await _order(gql, "SO-BAD", 30, 30, plant)
    accepted = await _order(gql, "SO-NEW", 10, 0, plant)
    version, stock = order["version"], _on_hand(db)
    later = (utcnow() + timedelta(days=1)).isoformat()
    tried = [  # (input, key, code, field, words in the message)
        ({"code": "SO-BAD", "expectedVersion": version, "lines": [{"sku": "S-1", "quantity": 1}]}, "planner",
         "INVALID", ["lines", "0", "sku"], "no line for sku 'S-1'"),
        ({"code": "SO-BAD", "expectedVersion": version, "lines": [{"sku": "W-1", "quantity": -5}]}, "planner",
         "INVALID", ["lines", "0", "quantity"], "at least 0.001"),
        ({"code": "SO-BAD", "expectedVersion": version, "lines": [{"sku": "W-1", "quantity": 20},
                                                                    {"sku": "W-1", "quantity": 20}]}, "planner",
         "INVALID", ["lines", "1", "quantity"], "40 of W-1 to ship but only 30"),
        ({"code": "SO-BAD", "expectedVersion": version, "lines": []}, "planner", "INVALID", ["lines"],
         "at least one line"),
        ({"code": "SO-BAD", "expectedVersion": version, "at": later}, "planner", "INVALID", ["at"], "in the future"),
        ({"code": "SO-BAD", "expectedVersion": version - 1}, "planner", "VERSION_CONFLICT", ["expectedVersion"],
         f"is at version {version}"),
        ({"code": "SO-NEW", "expectedVersion": accepted["version"]}, "planner", "INVALID_TRANSITION", ["code"],
         "is ACCEPTED"),
        ({"code": "SO-NOPE", "expectedVersion": 1}, "planner", "NOT_FOUND", ["code"], "does not exist"),
        ({"code": "SO-BAD", "expectedVersion": version}, "viewer", "FORBIDDEN", None, "roles"),
    ]
    for given, role, code, field, words in tried:
        body = await gql(SHIP, {"input": given}, plant.keys[role])
        payload = body["data"]["shipOrder"]
        assert payload["order"] is None, given
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == (code, field), (given, error)
        assert words in error["message"], (given, error)
    after = (await gql(ORDER, {"code": "SO-BAD"}))["data"]["order"]
    assert (after["version"], after["status"], after["lines"][0]["quantityShipped"]) == (version, "IN_STOCK", 0.0)
    assert _on_hand(db) == stock


async def test_a_partner_ships_only_its_own_customers_orders_and_a_retry_ships_once(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    created = await gql(CREATE, {"input": {"code": "SO-KEY", "customerCode": "KEY", "requestedDate": DUE.isoformat(),
                                           "lines": [{"sku": "W-1", "quantity": 5}]}})
    assert created["data"]["createOrder"]["errors"] == []
    await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 5, "orderCode": "SO-KEY"}},
              plant.keys["mes"])
    version = (await gql(ORDER, {"code": "SO-KEY"}))["data"]["order"]["version"]
    foreign = await gql(SHIP, {"input": {"code": "SO-KEY", "expectedVersion": version}}, plant.keys["partner"])
    assert [e["code"] for e in foreign["data"]["shipOrder"]["errors"]] == ["NOT_FOUND"]

    own = await _order(gql, "SO-OWN", 5, 5, plant)
    stock = _on_hand(db)
    keyed = {"code": "SO-OWN", "expectedVersion": own["version"], "idempotencyKey": "erp-ship-77"}
    first = await gql(SHIP, {"input": keyed}, plant.keys["partner"])
    again = await gql(SHIP, {"input": keyed}, plant.keys["partner"])
    assert first["data"]["shipOrder"]["order"]["status"] == "SHIPPED"
    assert again["data"]["shipOrder"] == first["data"]["shipOrder"]
    assert _on_hand(db) == stock - 5


async def test_an_order_shows_its_feedback(gql: GraphQLClient, plant: Plant) -> None:
    await _order(gql, "SO-FB", 5, 0, plant)
    recorded = await gql("""mutation { recordFeedback(input: {orderCode: "SO-FB", kind: REQUIREMENT,
      message: "customer labels on every carton"}) { errors { message } } }""", key=plant.keys["partner"])
    assert recorded["data"]["recordFeedback"]["errors"] == []
    feedback = (await gql(ORDER, {"code": "SO-FB"}))["data"]["order"]["feedback"]
    assert feedback == [{"kind": "REQUIREMENT", "cause": None, "message": "customer labels on every carton",
                         "orderCode": "SO-FB"}]
