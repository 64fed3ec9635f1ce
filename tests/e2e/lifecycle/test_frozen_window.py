"""The frozen window through GraphQL (R14): the running plan's promises are not changed or cancelled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select

from domain.capacity.calendar import frozen_until
from domain.db import session_scope
from domain.models import CapacityLedger, CapacityReservation, Customer, OrderStatus, Product
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import THIS_WEEK, TODAY, WEEKLY_HOURS, Plant
from tests.factories import make_order

# rules/capacity_policy.yaml freezes the first 3 days of each week; once they are over, up to yesterday.
FROZEN_UNTIL = frozen_until(TODAY, 3)
FIELDS = "order { code version status promisedDate } errors { field code message }"
UPDATE = f"mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {FIELDS} }} }}"
CANCEL = f"mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ {FIELDS} }} }}"
CREATE = f"mutation($input: OrderInput!) {{ createOrder(input: $input) {{ {FIELDS} }} }}"
ORDER = '{ order(code: "SO-RUNNING") { version status promisedDate lines { quantity } history { kind } } }'


def running_order(db: Engine, plant: Plant) -> None:
    """SO-RUNNING (REG, 200 W-1) is scheduled in this week's running plan, promised inside the frozen window."""
    with session_scope(db) as s:
        customer = s.scalars(select(Customer).where(Customer.code == "REG")).one()
        widget = s.scalars(select(Product).where(Product.sku == "W-1")).one()
        order = make_order(s, customer, code="SO-RUNNING", status=OrderStatus.SCHEDULED, lines=[(widget, 200, None)],
                           requested_date=FROZEN_UNTIL, promised_date=FROZEN_UNTIL, version=1,
                           priority_tier="P4", priority_score=100.4)
        s.add(CapacityLedger(line_id=plant.line_id, week=THIS_WEEK, capacity_hours=WEEKLY_HOURS,
                             reserve_hours=12.0, planned_hours=0.0, promised_hours=20.0, rush_hours_used=0.0,
                             lost_hours=0.0))
        s.add(CapacityReservation(order_id=order.id, order_line_id=order.lines[0].id, line_id=plant.line_id,
                                  week=THIS_WEEK, hours=20.0, quantity=200.0))


def refused(payload: dict[str, Any], field: list[str]) -> str:
    assert payload["order"] is None, payload
    [error] = payload["errors"]
    assert error["code"] == "FROZEN_WINDOW" and error["field"] == field, error
    return error["message"]  # type: ignore[no-any-return]


async def test_changing_or_cancelling_a_promise_inside_the_frozen_window_is_refused(
    gql: GraphQLClient, db: Engine, plant: Plant
) -> None:
    running_order(db, plant)
    # Tried: 150 instead of 200 units, then cancelling, each with the right expectedVersion.
    update = await gql(UPDATE, {"input": {"code": "SO-RUNNING", "expectedVersion": 1,
                                          "lines": [{"sku": "W-1", "quantity": 150}]}})
    assert FROZEN_UNTIL.isoformat() in refused(update["data"]["updateOrder"], ["code"])
    cancel = await gql(CANCEL, {"input": {"code": "SO-RUNNING", "expectedVersion": 1, "reason": "budget cut"}})
    refused(cancel["data"]["cancelOrder"], ["code"])
    # The partner of REG is refused the same way.
    partner = await gql(CANCEL, {"input": {"code": "SO-RUNNING", "expectedVersion": 1}}, plant.keys["partner"])
    refused(partner["data"]["cancelOrder"], ["code"])
    order = (await gql(ORDER))["data"]["order"]
    assert order == {"version": 1, "status": "SCHEDULED", "promisedDate": FROZEN_UNTIL.isoformat(),
                     "lines": [{"quantity": 200.0}], "history": []}


async def test_moving_a_later_promise_into_the_frozen_window_is_refused(gql: GraphQLClient) -> None:
    due = (THIS_WEEK + timedelta(weeks=3, days=4)).isoformat()
    created = (await gql(CREATE, {"input": {"customerCode": "REG", "requestedDate": due,
                                            "lines": [{"sku": "W-1", "quantity": 100}]}}))["data"]["createOrder"]
    assert created["order"]["status"] == "ACCEPTED"
    code = created["order"]["code"]
    # Tried: the requested date moved to the last frozen day.
    moved = (await gql(UPDATE, {"input": {"code": code, "expectedVersion": 1,
                                          "requestedDate": FROZEN_UNTIL.isoformat()}}))["data"]["updateOrder"]
    if FROZEN_UNTIL >= TODAY:  # Monday to Wednesday: the window is still running
        refused(moved, ["requestedDate"])
    else:  # later in the week the window is over and its last day lies in the past
        assert moved["order"] is None and moved["errors"][0]["code"] == "INVALID"
        assert moved["errors"][0]["field"] == ["requestedDate"]
    # Outside the window the same order may still change, and keeps its hours.
    later = (THIS_WEEK + timedelta(weeks=4, days=4)).isoformat()
    changed = (await gql(UPDATE, {"input": {"code": code, "expectedVersion": 1,
                                            "requestedDate": later}}))["data"]["updateOrder"]
    assert changed["errors"] == [] and changed["order"]["version"] == 2 and changed["order"]["promisedDate"] == later
