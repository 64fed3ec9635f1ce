"""The weekly cycle (R5, R14): the replan mutation schedules the accepted orders; `sop plan weekly` does the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from cli import cli
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import THIS_WEEK

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status } errors { code message } } }"""
REPLAN = """mutation($input: ReplanInput) { replan(input: $input) {
  plan { version inForce } scheduledOrders errors { code message } } }"""
ORDERS = """{ orders(first: 10, orderBy: {field: CODE, direction: ASC}) { edges { node {
  code status version scheduledAt history { kind message toStatus } } } } }"""
DUE = (THIS_WEEK + timedelta(weeks=3, days=4)).isoformat()


async def create(gql: GraphQLClient, code: str, customer: str, quantity: float) -> str:
    body = await gql(CREATE, {"input": {"code": code, "customerCode": customer, "requestedDate": DUE,
                                        "lines": [{"sku": "W-1", "quantity": quantity}]}})
    return body["data"]["createOrder"]["order"]["status"]  # type: ignore[no-any-return]


async def test_the_replan_schedules_the_accepted_orders_and_the_cli_prints_the_next_version(
    gql: GraphQLClient, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert await create(gql, "A-REG", "REG", 300) == "ACCEPTED"
    assert await create(gql, "B-KEY", "KEY", 200) == "ACCEPTED"
    # 100,000 units cannot be made by then: proposed, not accepted, so not scheduled.
    assert await create(gql, "C-BIG", "REG", 100_000) != "ACCEPTED"
    body = await gql(REPLAN, {"input": {"horizonWeeks": 4}})
    assert body["data"]["replan"] == {"plan": {"version": 1, "inForce": True}, "scheduledOrders": 2, "errors": []}
    orders = {e["node"]["code"]: e["node"] for e in (await gql(ORDERS))["data"]["orders"]["edges"]}
    for code in ("A-REG", "B-KEY"):
        order = orders[code]
        assert order["status"] == "SCHEDULED" and order["scheduledAt"] is not None and order["version"] == 2
        assert order["history"][-1] == {"kind": "STATUS", "message": "scheduled in plan version 1",
                                        "toStatus": "SCHEDULED"}
    assert orders["C-BIG"]["status"] in ("PROPOSED", "REJECTED") and orders["C-BIG"]["scheduledAt"] is None

    monkeypatch.setenv("SOP_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["plan", "weekly", "--horizon", "4"])
    assert result.exit_code == 0, result.output
    assert "plan version 2 in force" in result.output and "0 orders scheduled" in result.output
    shown = await gql("{ plan { version inForce } }")
    assert shown["data"]["plan"] == {"version": 2, "inForce": True}
