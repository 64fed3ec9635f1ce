"""The capacity ledger's invariants hold after 200 random API mutations on a loaded plant (`sop check` clean):
orders created, changed, cancelled and answered, progress reported and lines failing, in a random mix."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from domain.capacity.checks import ledger_violations
from domain.db import session_scope
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.models import Customer, Order, OrderStatus, Product, ProductionLine
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.factories import make_api_key

PLANT = DemoSize("mutated", products=12, families=3, lines=3, customers=8, orders=150)
MUTATIONS = 200
ORDER = "order { code version status } errors { code message }"


@pytest.fixture
async def app(db: Engine, db_url: str) -> AsyncIterator[Starlette]:
    load_demo(db, PLANT, seed=4, today=date.today())
    async with serving(db_url) as application:
        yield application


async def _orders(db: Engine, *statuses: OrderStatus) -> list[tuple[str, int]]:
    with Session(db) as session:
        return [(o.code, o.version) for o in session.scalars(select(Order).where(Order.status.in_(statuses)))]


async def test_200_random_mutations_leave_no_ledger_violation(app: Starlette, db: Engine) -> None:
    """Input (seed 11): createOrder with 1-3 random skus of 1-400 units due in 1-60 days (rush ones included),
    updateOrder changing a quantity or date, cancelOrder, respondToProposal (accept or decline), reportProgress
    on a random line and sku, reportIncident (a 4-60 h failure on a random line, starting in the next 0-14
    days); after every 50 and at the end the ledger checker finds nothing."""
    rng = random.Random(11)
    with session_scope(db) as session:
        customers = [c.code for c in session.scalars(select(Customer))]
        skus = [p.sku for p in session.scalars(select(Product))]
        lines = [line.code for line in session.scalars(select(ProductionLine))]
        keys = {role: make_api_key(session, role) for role in ("planner", "mes")}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        gql = GraphQLClient(http, keys["planner"])
        done: dict[str, int] = {}

        async def call(query: str, variables: dict[str, Any], key: str | None = None) -> Any:
            body = await gql(query, {"input": variables}, key)
            assert not body.get("errors"), body  # refusals come as UserErrors, never as INTERNAL
            return body

        for n in range(MUTATIONS):
            kind = rng.choices(["create", "update", "cancel", "respond", "progress", "incident"],
                               [40, 15, 10, 10, 15, 10])[0]
            today = date.today()
            if kind == "create":
                lines_in = [{"sku": s, "quantity": rng.randint(1, 400)} for s in rng.sample(skus, rng.randint(1, 3))]
                due = today + timedelta(days=rng.randint(1, 60))
                await call(f"mutation($input: OrderInput!) {{ createOrder(input: $input) {{ {ORDER} }} }}",
                           {"customerCode": rng.choice(customers), "requestedDate": due.isoformat(), "lines": lines_in})
            elif kind in ("update", "cancel", "respond"):
                statuses = (OrderStatus.PROPOSED,) if kind == "respond" else (
                    OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.PROPOSED)
                open_orders = await _orders(db, *statuses)
                if not open_orders:
                    continue
                code, version = rng.choice(open_orders)
                if kind == "update":
                    change: dict[str, Any] = {"requestedDate": (today + timedelta(days=rng.randint(3, 60))).isoformat()}
                    await call(f"mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {ORDER} }} }}",
                               {"code": code, "expectedVersion": version, **change})
                elif kind == "cancel":
                    await call(f"mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ {ORDER} }} }}",
                               {"code": code, "expectedVersion": version, "reason": "random"})
                else:
                    await call("mutation($input: ProposalResponseInput!) { respondToProposal(input: $input) { "
                               f"{ORDER} }} }}", {"code": code, "expectedVersion": version,
                                                  "accept": rng.random() < 0.7})
            elif kind == "progress":
                await call("mutation($input: ProgressInput!) { reportProgress(input: $input) { errors { code } } }",
                           {"lineCode": rng.choice(lines), "sku": rng.choice(skus), "quantity": rng.randint(1, 50)},
                           keys["mes"])
            else:
                starts = today + timedelta(days=rng.randint(0, 14))
                await call("mutation($input: IncidentInput!) { reportIncident(input: $input) { errors { code } } }",
                           {"kind": "EQUIPMENT_FAILURE", "lineCode": rng.choice(lines), "hours": rng.randint(4, 60),
                            "startsAt": f"{starts.isoformat()}T08:00:00Z"}, keys["mes"])
            done[kind] = done.get(kind, 0) + 1
            if n % 50 == 49:
                with Session(db) as session:
                    assert ledger_violations(session) == [], (n, done)
    with Session(db) as session:
        assert ledger_violations(session) == [], done
    assert done.get("create", 0) > 50 and done.get("incident", 0) > 5
