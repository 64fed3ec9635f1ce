"""Order numbers per customer: the plant's code is global, the customer's reference is unique per customer, and
no answer tells a partner whether another customer's code or reference exists."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import Engine, select

from api.core.node import global_id
from domain.db import session_scope
from domain.models import Customer, Order
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.orders.conftest import Shop
from tests.e2e.orders.test_order_mutations import order_input
from tests.factories import make_api_key

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code customerReference status customer { code } } errors { field message code } } }"""
BY_REFERENCE = """query($ref: String!, $customer: String) {
  orders(filter: {customerReference: $ref, customerCode: $customer}) { totalCount edges { node { code } } } }"""


@pytest.fixture
def other_partner(db: Engine) -> str:
    """A partner key bound to customer OTHER (the shop's partner is bound to OWN)."""
    with session_scope(db) as s:
        other = s.scalars(select(Customer).where(Customer.code == "OTHER")).one()
        return make_api_key(s, "partner", [other])


async def create(gql: GraphQLClient, key: str | None = None, **fields: Any) -> dict[str, Any]:
    answer = await gql(CREATE, {"input": order_input(**fields)}, key)
    assert "errors" not in answer, answer
    return answer["data"]["createOrder"]  # type: ignore[no-any-return]


async def test_two_customers_use_the_same_reference_without_conflict(
    gql: GraphQLClient, shop: Shop, other_partner: str
) -> None:
    # Tried: OWN's partner and OTHER's partner both send customerReference PO-1 (two ERPs' purchase orders).
    own = await create(gql, shop.keys["partner"], customerReference="PO-1")
    other = await create(gql, other_partner, customerCode="OTHER", customerReference="PO-1")
    assert own["errors"] == [] and other["errors"] == []
    assert own["order"]["customerReference"] == other["order"]["customerReference"] == "PO-1"
    assert own["order"]["code"] != other["order"]["code"]
    # Each partner's lookup by reference finds its own order only.
    mine = (await gql(BY_REFERENCE, {"ref": "PO-1"}, shop.keys["partner"]))["data"]["orders"]
    assert mine == {"totalCount": 1, "edges": [{"node": {"code": own["order"]["code"]}}]}
    # The plant sees both, and one of them per customer.
    assert (await gql(BY_REFERENCE, {"ref": "PO-1"}))["data"]["orders"]["totalCount"] == 2
    theirs = (await gql(BY_REFERENCE, {"ref": "PO-1", "customer": "OTHER"}))["data"]["orders"]
    assert theirs["edges"] == [{"node": {"code": other["order"]["code"]}}]


async def test_the_same_reference_twice_for_one_customer_names_the_field_and_the_order(
    gql: GraphQLClient, shop: Shop
) -> None:
    # Tried: OWN's partner sends PO-7 twice without an idempotency key, then as the legacy `code`; a planner too.
    first = (await create(gql, shop.keys["partner"], customerReference="PO-7"))["order"]
    again = await create(gql, shop.keys["partner"], customerReference="PO-7")
    assert again["order"] is None
    [error] = again["errors"]
    assert error["code"] == "INVALID" and error["field"] == ["customerReference"]
    assert "customerReference 'PO-7' is already used by order " + first["code"] in error["message"]
    legacy = (await create(gql, shop.keys["partner"], code="PO-7"))["errors"]
    assert [(e["code"], e["field"]) for e in legacy] == [("INVALID", ["code"])]
    assert "'PO-7' is already used by order " + first["code"] in legacy[0]["message"]
    planner = (await create(gql, customerReference="PO-7"))["errors"]
    assert [(e["code"], e["field"]) for e in planner] == [("INVALID", ["customerReference"])]
    assert (await gql("{ orders(first: 5) { totalCount } }"))["data"]["orders"]["totalCount"] == 1


async def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(gql: GraphQLClient, shop: Shop) -> None:
    # Tried: PO-9 under key erp-9 twice (a retry after a lost answer), then key erp-9 with PO-10.
    first = await create(gql, shop.keys["partner"], customerReference="PO-9", idempotencyKey="erp-9")
    retry = await create(gql, shop.keys["partner"], customerReference="PO-9", idempotencyKey="erp-9")
    assert retry["errors"] == [] and retry["order"] == first["order"]
    changed = await create(gql, shop.keys["partner"], customerReference="PO-10", idempotencyKey="erp-9")
    assert [e["code"] for e in changed["errors"]] == ["IDEMPOTENCY_MISMATCH"]
    assert (await gql("{ orders(first: 5) { totalCount } }"))["data"]["orders"]["totalCount"] == 1


async def test_a_partners_code_becomes_its_reference_whether_or_not_another_customer_holds_it(
    gql: GraphQLClient, shop: Shop
) -> None:
    # Tried: OWN's partner sends code SO-TAKEN (OTHER's order, entered by the plant) and code SO-FREE (no order).
    await create(gql, customerCode="OTHER", code="SO-TAKEN")
    answers = {code: await create(gql, shop.keys["partner"], code=code) for code in ("SO-TAKEN", "SO-FREE")}
    for code, answer in answers.items():
        order = answer["order"]
        assert answer["errors"] == [] and order["customerReference"] == code, answer
        assert order["code"] != code and order["code"].startswith("SO-") and order["customer"] == {"code": "OWN"}
    # A partner sending both names for one number must send the same value.
    both = await create(gql, shop.keys["partner"], code="PO-A", customerReference="PO-B")
    assert [(e["code"], e["field"]) for e in both["errors"]] == [("INVALID", ["code"])]
    # The plant's staff still choose plant codes, and see a taken one.
    taken = await create(gql, code="SO-TAKEN")
    assert [(e["code"], e["message"]) for e in taken["errors"]] == [
        ("INVALID", "an order with code 'SO-TAKEN' already exists")]


PROBES: dict[str, tuple[str, str]] = {
    # name: (document, variable holding the code or reference); each selects only fields a partner may read.
    "order": ("query($v: String!) { order(code: $v) { code } }", "v"),
    "ordersByReference": ("query($v: String!) { orders(filter: {customerReference: $v}) { totalCount edges "
                          "{ node { code } } } }", "v"),
    "ordersByReferenceAndCustomer": ("query($v: String!) { orders(filter: {customerReference: $v, customerCode: "
                                     "\"OTHER\"}) { totalCount } }", "v"),
    "feedbackList": ("query($v: String!) { feedback(orderCode: $v) { totalCount edges { node { orderCode } } } }",
                     "v"),
    "updateOrder": ("mutation($v: String!) { updateOrder(input: {code: $v, expectedVersion: 1, lines: [{sku: "
                    "\"W-1\", quantity: 5}]}) { order { code } errors { field message code } } }", "v"),
    "cancelOrder": ("mutation($v: String!) { cancelOrder(input: {code: $v, expectedVersion: 1}) "
                    "{ order { code } errors { field message code } } }", "v"),
    "respondToProposal": ("mutation($v: String!) { respondToProposal(input: {code: $v, expectedVersion: 1, "
                          "accept: true}) { order { code } errors { field message code } } }", "v"),
    "shipOrder": ("mutation($v: String!) { shipOrder(input: {code: $v, expectedVersion: 1}) "
                  "{ order { code } errors { field message code } } }", "v"),
    "recordFeedback": ("mutation($v: String!) { recordFeedback(input: {orderCode: $v, kind: REQUIREMENT, "
                       "message: \"blue boxes\"}) { feedback { id } errors { field message code } } }", "v"),
}


async def test_a_partner_probing_another_customers_order_gets_the_answer_a_missing_order_gets(
    gql: GraphQLClient, shop: Shop, db: Engine
) -> None:
    # Tried: OTHER's order (code SO-THEIRS, reference REF-THEIRS) and numbers nobody uses (SO-NOPE1, REF-NOPE1,
    # same lengths), through every path where a partner names an order; and its node id against an unused one.
    await create(gql, customerCode="OTHER", code="SO-THEIRS", customerReference="REF-THEIRS")
    partner = shop.keys["partner"]
    for name, (document, variable) in PROBES.items():
        for existing, missing in (("SO-THEIRS", "SO-NOPE1"), ("REF-THEIRS", "REF-NOPE1")):
            seen = await gql(document, {variable: existing}, partner)
            unseen = await gql(document, {variable: missing}, partner)
            assert "errors" not in seen, (name, seen)
            assert str(seen).replace(existing, "<number>") == str(unseen).replace(missing, "<number>"), name
            errors = [e for payload in seen["data"].values() if isinstance(payload, dict)
                      for e in payload.get("errors", [])]
            assert all(e["code"] == "NOT_FOUND" for e in errors), (name, errors)
    with session_scope(db) as s:
        theirs = s.scalars(select(Order.id).where(Order.code == "SO-THEIRS")).one()
    node = "query($id: ID!) { node(id: $id) { id ... on Order { code } } }"
    assert (await gql(node, {"id": global_id("Order", theirs)}, partner))["data"] == {"node": None}
    assert (await gql(node, {"id": global_id("Order", theirs + 1000)}, partner))["data"] == {"node": None}
    # The plant's staff do see it, so the probes above did name a real order.
    assert (await gql(PROBES["order"][0], {"v": "SO-THEIRS"}))["data"]["order"] == {"code": "SO-THEIRS"}


async def test_concurrent_creates_with_one_reference_make_one_order(
    gql: GraphQLClient, shop: Shop, db_url: str
) -> None:
    # Tried: 10 (PostgreSQL) or 5 (SQLite) simultaneous createOrder with reference PO-RACE and no idempotency key.
    tries = 10 if db_url.startswith("postgresql") else 5
    answers = await asyncio.gather(*(create(gql, shop.keys["partner"], customerReference="PO-RACE")
                                     for _ in range(tries)))
    made = [a["order"]["code"] for a in answers if a["order"]]
    assert len(made) == 1
    refused = [e for a in answers for e in a["errors"]]
    assert len(refused) == tries - 1
    assert all(e["field"] == ["customerReference"] and made[0] in e["message"] for e in refused), refused
