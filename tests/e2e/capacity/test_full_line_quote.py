"""A quote that needs more of a full line than it has left is not accepted inside the full weeks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from domain.db import session_scope
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.models import CapacityLedger, Customer, Product, Routing
from domain.planning.weekly import ReplanSettings, replan
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.factories import make_api_key

PLANT = DemoSize("full", products=20, families=3, lines=4, customers=8, orders=300)
QUOTE = """mutation($input: OrderInput!) { quoteOrder(input: $input) {
  review { decision proposedDate } promisedDate errors { code message } } }"""


@pytest.fixture
async def app(db: Engine, db_url: str) -> AsyncIterator[Starlette]:
    today = date.today()
    load_demo(db, PLANT, seed=2, today=today)
    with Session(db) as session:
        replan(session, today=today, settings=ReplanSettings(), actor="test")
        session.commit()
    async with serving(db_url) as application:
        yield application


async def test_a_quote_beyond_a_lines_free_hours_is_not_accepted_by_its_date(app: Starlette, db: Engine) -> None:
    """Input: a product made on one line only, requested in 3 weeks for the units of that line's free regular
    hours until then plus 40 h more (the ledger: capacity - reserve - lost - planned - promised). Before the
    ledger held the plan and the promises, such a quote on the demo's bottleneck line was ACCEPTED."""
    today = date.today()
    due = today + timedelta(weeks=3)
    with session_scope(db) as session:
        single = select(Routing.product_id).group_by(Routing.product_id).having(func.count() == 1)
        routing = session.scalars(select(Routing).where(Routing.product_id.in_(single))).first()
        assert routing is not None
        sku = session.scalar(select(Product.sku).where(Product.id == routing.product_id))
        customer = session.scalars(select(Customer)).first()
        assert customer is not None
        free = sum(max(r.capacity_hours - r.reserve_hours - r.lost_hours - r.planned_hours - r.promised_hours, 0.0)
                   for r in session.scalars(select(CapacityLedger).where(
                       CapacityLedger.line_id == routing.line_id, CapacityLedger.week <= due)))
        key = make_api_key(session, "planner")
    quantity = round((free + 40.0) * routing.units_per_hour)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        body = await GraphQLClient(http, key)(QUOTE, {"input": {
            "customerCode": customer.code, "requestedDate": due.isoformat(), "lines": [{"sku": sku,
                                                                                       "quantity": quantity}]}})
    quote = body["data"]["quoteOrder"]
    assert quote["errors"] == [], quote
    accepted_by_due = quote["review"]["decision"] == "ACCEPT" and quote["promisedDate"] <= due.isoformat()
    assert not accepted_by_due, (free, quantity, quote)
