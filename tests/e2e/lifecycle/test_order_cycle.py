"""The order cycle to its end through GraphQL alone: ACCEPTED -> SCHEDULED -> IN_PRODUCTION -> IN_STOCK -> SHIPPED
-> DELIVERED -> CLOSED, with a history step for each, and the bad deliveries and payments that change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.models import Payment
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import THIS_WEEK, TODAY, Plant

ORDER_FIELDS = """code version status shippedAt deliveredOn proofReference closedAt
  payments { amount paidOn recordedBy }"""
CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) { order { code status version }
  errors { code message } } }"""
REPLAN = """mutation { replan(input: {horizonWeeks: 4}) { scheduledOrders errors { code message } } }"""
PROGRESS = """mutation($input: ProgressInput!) { reportProgress(input: $input) {
  orders { code status } errors { field code message } } }"""
SHIP = """mutation($input: ShipOrderInput!) { shipOrder(input: $input) {
  order { code status version } errors { field code message } } }"""
DELIVER = f"""mutation($input: DeliveryInput!) {{ confirmDelivery(input: $input) {{
  order {{ {ORDER_FIELDS} }} errors {{ field code message }} }} }}"""
PAY = f"""mutation($input: PaymentInput!) {{ recordPayment(input: $input) {{
  order {{ {ORDER_FIELDS} }} errors {{ field code message }} }} }}"""
ORDER = f"""query($code: String!) {{ order(code: $code) {{ {ORDER_FIELDS}
  history {{ kind fromStatus toStatus actor message }} }} }}"""
DUE = (THIS_WEEK + timedelta(weeks=3, days=4)).isoformat()


async def _order(gql: GraphQLClient, code: str) -> dict[str, Any]:
    return (await gql(ORDER, {"code": code}))["data"]["order"]  # type: ignore[no-any-return]


async def _shipped(gql: GraphQLClient, plant: Plant, code: str, customer: str = "REG") -> dict[str, Any]:
    """An order of 40 W-1 (400.00 at list price) made and shipped in full through the API."""
    created = await gql(CREATE, {"input": {"code": code, "customerCode": customer, "requestedDate": DUE,
                                           "lines": [{"sku": "W-1", "quantity": 40}]}})
    assert created["data"]["createOrder"]["order"]["status"] == "ACCEPTED", created
    made = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 40, "orderCode": code}},
                     plant.keys["mes"])
    assert made["data"]["reportProgress"]["errors"] == [], made
    version = (await _order(gql, code))["version"]
    shipped = await gql(SHIP, {"input": {"code": code, "expectedVersion": version}})
    assert shipped["data"]["shipOrder"]["order"]["status"] == "SHIPPED", shipped
    return await _order(gql, code)


async def test_one_order_walks_from_acceptance_to_closed_through_the_api(gql: GraphQLClient, plant: Plant) -> None:
    partner = plant.keys["partner"]
    created = await gql(CREATE, {"input": {"code": "SO-CYCLE", "customerCode": "REG", "requestedDate": DUE,
                                           "lines": [{"sku": "W-1", "quantity": 40}]}}, partner)
    order = created["data"]["createOrder"]["order"]
    assert order["status"] == "ACCEPTED", created
    code = order["code"]  # a partner's code is kept as its reference; the plant numbers the order

    replanned = await gql(REPLAN)
    assert replanned["data"]["replan"]["errors"] == [] and replanned["data"]["replan"]["scheduledOrders"] == 1
    assert (await _order(gql, code))["status"] == "SCHEDULED"

    for quantity, status in ((15, "IN_PRODUCTION"), (25, "IN_STOCK")):
        made = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": quantity,
                                              "orderCode": code}}, plant.keys["mes"])
        assert made["data"]["reportProgress"]["errors"] == [], made
        assert (await _order(gql, code))["status"] == status

    version = (await _order(gql, code))["version"]
    shipped = await gql(SHIP, {"input": {"code": code, "expectedVersion": version}}, partner)
    assert shipped["data"]["shipOrder"]["order"]["status"] == "SHIPPED", shipped

    version = shipped["data"]["shipOrder"]["order"]["version"]
    delivered = await gql(DELIVER, {"input": {"code": code, "expectedVersion": version,
                                              "deliveredOn": TODAY.isoformat(), "proofReference": "POD-4711"}},
                          partner)
    body = delivered["data"]["confirmDelivery"]
    assert body["errors"] == []
    assert body["order"]["status"] == "DELIVERED" and body["order"]["version"] == version + 1
    assert (body["order"]["deliveredOn"], body["order"]["proofReference"]) == (TODAY.isoformat(), "POD-4711")
    assert body["order"]["closedAt"] is None

    part = await gql(PAY, {"input": {"orderCode": code, "amount": "150.00", "paidOn": TODAY.isoformat(),
                                     "idempotencyKey": "pay-1"}}, partner)
    assert part["data"]["recordPayment"]["errors"] == []
    assert part["data"]["recordPayment"]["order"]["status"] == "DELIVERED"  # 150 of 400: still open
    rest = await gql(PAY, {"input": {"orderCode": code, "amount": "250", "paidOn": TODAY.isoformat(),
                                     "idempotencyKey": "pay-2"}}, plant.keys["planner"])
    closed = rest["data"]["recordPayment"]["order"]
    assert rest["data"]["recordPayment"]["errors"] == []
    assert closed["status"] == "CLOSED" and closed["closedAt"] is not None
    assert [p["amount"] for p in closed["payments"]] == ["150.00", "250.00"]
    assert {p["recordedBy"].split(":")[0] for p in closed["payments"]} == {"partner", "planner"}

    history = (await _order(gql, code))["history"]
    steps = [(e["fromStatus"], e["toStatus"]) for e in history if e["toStatus"] is not None]
    assert steps == [(None, "ACCEPTED"), ("ACCEPTED", "SCHEDULED"), ("SCHEDULED", "IN_PRODUCTION"),
                     ("IN_PRODUCTION", "IN_STOCK"), ("IN_STOCK", "SHIPPED"), ("SHIPPED", "DELIVERED"),
                     ("DELIVERED", "CLOSED")]
    kinds = [e["kind"] for e in history]
    assert kinds[-4:] == ["DELIVERED", "PAYMENT", "PAYMENT", "CLOSED"]
    assert "proof POD-4711" in history[-4]["message"] and "paid 250.00" in history[-2]["message"]

    # The collection rate reads the recorded payments: 400 paid of the 400 shipped today.
    kpis = await gql("""query($from: Date!, $to: Date!) { kpis(from: $from, to: $to) { collectionRate } }""",
                     {"from": TODAY.isoformat(), "to": (TODAY + timedelta(days=1)).isoformat()})
    assert kpis["data"]["kpis"]["collectionRate"] == 1.0
    listed = await gql("""{ orders(filter: {status: [CLOSED]}) { edges { node { code } } } }""")
    assert [e["node"]["code"] for e in listed["data"]["orders"]["edges"]] == [code]


async def test_a_prepaid_order_closes_on_delivery_and_a_retried_payment_counts_once(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    order = await _shipped(gql, plant, "SO-PREPAID")
    keyed = {"orderCode": "SO-PREPAID", "amount": "400", "paidOn": TODAY.isoformat(), "idempotencyKey": "erp-77"}
    first = await gql(PAY, {"input": keyed}, plant.keys["partner"])
    again = await gql(PAY, {"input": keyed}, plant.keys["partner"])
    assert first["data"]["recordPayment"]["errors"] == [] and first["data"]["recordPayment"]["order"]["status"] == (
        "SHIPPED")
    assert again["data"]["recordPayment"] == first["data"]["recordPayment"]
    with Session(db) as s:
        assert s.scalar(select(func.count(Payment.id))) == 1
    # Tried: the same key with another amount.
    other = await gql(PAY, {"input": {**keyed, "amount": "1"}}, plant.keys["partner"])
    assert [e["code"] for e in other["data"]["recordPayment"]["errors"]] == ["IDEMPOTENCY_MISMATCH"]

    version = (await _order(gql, "SO-PREPAID"))["version"]
    assert version == order["version"] + 1  # the payment is a history step
    delivered = await gql(DELIVER, {"input": {"code": "SO-PREPAID", "expectedVersion": version,
                                              "deliveredOn": TODAY.isoformat()}})
    assert delivered["data"]["confirmDelivery"]["order"]["status"] == "CLOSED"
    kinds = [e["kind"] for e in (await _order(gql, "SO-PREPAID"))["history"]]
    assert kinds[-3:] == ["PAYMENT", "DELIVERED", "CLOSED"]


async def test_bad_deliveries_say_what_and_where_and_change_nothing(gql: GraphQLClient, plant: Plant) -> None:
    order = await _shipped(gql, plant, "SO-DBAD")
    await gql(CREATE, {"input": {"code": "SO-OPEN", "customerCode": "REG", "requestedDate": DUE,
                                 "lines": [{"sku": "W-1", "quantity": 5}]}})
    await _shipped(gql, plant, "SO-KEYC", customer="KEY")
    key_version = (await _order(gql, "SO-KEYC"))["version"]
    version = order["version"]
    yesterday, tomorrow = (TODAY - timedelta(days=1)).isoformat(), (TODAY + timedelta(days=1)).isoformat()
    today = TODAY.isoformat()
    tried = [  # (input, role, code, field, words in the message)
        ({"code": "SO-DBAD", "expectedVersion": version, "deliveredOn": yesterday}, "planner", "INVALID",
         ["deliveredOn"], f"is before order SO-DBAD was shipped ({today})"),
        ({"code": "SO-DBAD", "expectedVersion": version, "deliveredOn": tomorrow}, "planner", "INVALID",
         ["deliveredOn"], "is in the future"),
        ({"code": "SO-DBAD", "expectedVersion": version - 1, "deliveredOn": today}, "planner", "VERSION_CONFLICT",
         ["expectedVersion"], f"is at version {version}"),
        ({"code": "SO-NOPE", "expectedVersion": 1, "deliveredOn": today}, "planner", "NOT_FOUND", ["code"],
         "order 'SO-NOPE' does not exist"),
        ({"code": "SO-OPEN", "expectedVersion": 1, "deliveredOn": today}, "planner", "INVALID_TRANSITION",
         ["code"], "is ACCEPTED; this change needs one of SHIPPED"),
        ({"code": "SO-DBAD", "expectedVersion": version, "deliveredOn": today, "proofReference": "x" * 201},
         "planner", "INVALID", ["proofReference"], "at most 200 characters"),
        ({"code": "SO-DBAD", "expectedVersion": version, "deliveredOn": today}, "viewer", "FORBIDDEN", None,
         "roles"),
        ({"code": "SO-DBAD", "expectedVersion": version, "deliveredOn": today}, "mes", "FORBIDDEN", None, "roles"),
        # Another customer's order does not exist for the partner.
        ({"code": "SO-KEYC", "expectedVersion": key_version, "deliveredOn": today}, "partner", "NOT_FOUND",
         ["code"], "does not exist"),
    ]
    for given, role, code, field, words in tried:
        payload = (await gql(DELIVER, {"input": given}, plant.keys[role]))["data"]["confirmDelivery"]
        assert payload["order"] is None, given
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == (code, field), (given, error)
        assert words in error["message"], (given, error)
    after = await _order(gql, "SO-DBAD")
    assert (after["version"], after["status"], after["deliveredOn"]) == (version, "SHIPPED", None)
    assert (await _order(gql, "SO-KEYC"))["status"] == "SHIPPED"


async def test_bad_payments_say_what_and_where_and_change_nothing(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    order = await _shipped(gql, plant, "SO-PBAD")
    await gql(CREATE, {"input": {"code": "SO-GONE", "customerCode": "REG", "requestedDate": DUE,
                                 "lines": [{"sku": "W-1", "quantity": 5}]}})
    cancelled = await gql("""mutation { cancelOrder(input: {code: "SO-GONE", expectedVersion: 1}) {
      order { status } errors { message } } }""")
    assert cancelled["data"]["cancelOrder"]["order"]["status"] == "CANCELLED", cancelled
    paid = await gql(PAY, {"input": {"orderCode": "SO-PBAD", "amount": "100", "paidOn": TODAY.isoformat(),
                                     "idempotencyKey": "ok-1"}})
    assert paid["data"]["recordPayment"]["errors"] == []
    today, tomorrow = TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat()
    before = (TODAY - timedelta(days=1)).isoformat()
    tried = [  # (input, role, code, field, words in the message)
        ({"orderCode": "SO-PBAD", "amount": "0", "paidOn": today}, "planner", "INVALID", ["amount"],
         "amount must be more than 0, got 0"),
        ({"orderCode": "SO-PBAD", "amount": "-50", "paidOn": today}, "planner", "INVALID", ["amount"],
         "more than 0, got -50"),
        ({"orderCode": "SO-PBAD", "amount": "10.005", "paidOn": today}, "planner", "INVALID", ["amount"],
         "at most 2 decimal places"),
        ({"orderCode": "SO-PBAD", "amount": "300.01", "paidOn": today}, "planner", "INVALID", ["amount"],
         "would overpay order SO-PBAD: its amount is 400.00, 100.00 is paid, 300.00 is open"),
        ({"orderCode": "SO-PBAD", "amount": "10", "paidOn": tomorrow}, "planner", "INVALID", ["paidOn"],
         "is in the future"),
        ({"orderCode": "SO-PBAD", "amount": "10", "paidOn": before}, "planner", "INVALID", ["paidOn"],
         "before order SO-PBAD was received"),
        ({"orderCode": "SO-GONE", "amount": "10", "paidOn": today}, "planner", "INVALID_TRANSITION",
         ["orderCode"], "order SO-GONE is CANCELLED: a cancelled or rejected order takes no payment"),
        ({"orderCode": "SO-NOPE", "amount": "10", "paidOn": today}, "planner", "NOT_FOUND", ["orderCode"],
         "order 'SO-NOPE' does not exist"),
        ({"orderCode": "SO-PBAD", "amount": "10", "paidOn": today}, "viewer", "FORBIDDEN", None, "roles"),
    ]
    for number, (given, role, code, field, words) in enumerate(tried):
        body = {"input": {**given, "idempotencyKey": f"bad-{number}"}}
        payload = (await gql(PAY, body, plant.keys[role]))["data"]["recordPayment"]
        assert payload["order"] is None, given
        [error] = payload["errors"]
        assert (error["code"], error["field"]) == (code, field), (given, error)
        assert words in error["message"], (given, error)
    after = await _order(gql, "SO-PBAD")
    assert after["status"] == "SHIPPED" and [p["amount"] for p in after["payments"]] == ["100.00"]
    assert after["version"] == order["version"] + 1
    with Session(db) as s:
        assert s.scalar(select(func.count(Payment.id))) == 1
    # The idempotency key is required (contract: idempotencyKey: String!): GraphQL refuses the document.
    missing = await gql(PAY, {"input": {"orderCode": "SO-PBAD", "amount": "1", "paidOn": today}})
    assert missing["data"] is None and "idempotencyKey" in missing["errors"][0]["message"]
    # A huge amount is refused by the Decimal scalar before the mutation runs.
    huge = await gql(PAY, {"input": {"orderCode": "SO-PBAD", "amount": "1E+100", "paidOn": today,
                                     "idempotencyKey": "huge"}})
    assert huge["data"] is None and "finite number smaller than" in huge["errors"][0]["message"]
