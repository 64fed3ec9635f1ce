"""A mutation holds one pooled connection at a time: the sign-in's read session is released before the use case.

Holding both let concurrent createOrder calls (50 clients, pool of 10 + 20) each keep one connection and wait
for a second: every request stalled until the pool timeout (30 s) and many failed (found by bench/api.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import event
from starlette.applications import Starlette

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.orders.conftest import Shop

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) { order { code status } errors { code } } }"""


async def test_create_order_never_holds_two_connections(app: Starlette, gql: GraphQLClient, shop: Shop) -> None:
    held = {"now": 0, "most": 0}

    def checkout(*_: Any) -> None:
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])

    def checkin(*_: Any) -> None:
        held["now"] -= 1

    pool_owner = app.state.engine.sync_engine
    event.listen(pool_owner, "checkout", checkout)
    event.listen(pool_owner, "checkin", checkin)
    try:
        due = (date.today() + timedelta(days=28)).isoformat()
        answer = await gql(CREATE, {"input": {"customerCode": "OWN", "requestedDate": due,
                                              "lines": [{"sku": "W-1", "quantity": 10}]}})
    finally:
        event.remove(pool_owner, "checkout", checkout)
        event.remove(pool_owner, "checkin", checkin)
    assert answer["data"]["createOrder"]["errors"] == [], answer
    assert held["most"] == 1, f"{held['most']} connections held at once by one createOrder"
