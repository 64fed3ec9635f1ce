"""Acceptance: the example plant of docs/import/ imports, passes `sop check`, replans, and quotes within its capacity
and stock through GraphQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from cli import cli
from domain.models import CapacityLedger, CapacityReservation, Order, OrderStatus, Product, ProductionLine, Routing
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.factories import make_api_key

EXAMPLE = Path(__file__).parents[3] / "docs" / "import" / "example"
QUOTE = """mutation($input: OrderInput!) { quoteOrder(input: $input) {
  review { decision proposedDate } promisedDate errors { code message } } }"""


def sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


@pytest.fixture
async def app(db: Engine, db_url: str) -> AsyncIterator[Starlette]:
    today = date.today().isoformat()  # the server quotes as of today, so the plant is booked as of today
    imported = sop(["import", str(EXAMPLE), "--today", today], db_url)
    assert imported.exit_code == 0, imported.output
    assert "5 new open orders booked on the lines" in imported.output
    checked = sop(["check", "--today", today], db_url)
    assert checked.exit_code == 0 and checked.output.endswith(": 0 violations\n"), checked.output
    planned = sop(["plan", "weekly", "--today", today], db_url)
    assert planned.exit_code == 0 and "plan version 1 in force" in planned.output, planned.output
    async with serving(db_url) as application:
        yield application


async def _quote(app: Starlette, key: str, customer: str, due: date, sku: str, quantity: float) -> dict[str, object]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        body = await GraphQLClient(http, key)(QUOTE, {"input": {
            "customerCode": customer, "requestedDate": due.isoformat(), "lines": [{"sku": sku, "quantity": quantity}]}})
    quote: dict[str, object] = body["data"]["quoteOrder"]
    assert quote["errors"] == [], quote
    return quote


async def test_the_example_plant_imports_replans_and_quotes_within_capacity_and_stock(app: Starlette,
                                                                                      db: Engine) -> None:
    """Every open order of orders.csv holds hours; a quote for two weeks of the pump line's hours due in one
    week is promised no earlier than the line's free hours allow; a quote the valve stock covers is accepted
    by its date even inside the frozen days (stock, not the lines, serves it)."""
    with Session(db) as session:
        open_orders = session.scalars(select(Order).where(Order.status != OrderStatus.REJECTED)).all()
        assert len(open_orders) == 5
        held = set(session.scalars(select(CapacityReservation.order_id)))
        assert {o.id for o in open_orders} <= held
        pumps = session.scalar(select(ProductionLine.id).where(ProductionLine.code == "PUMPS"))
        rate = session.scalar(select(Routing.units_per_hour).join(Product, Product.id == Routing.product_id)
                              .where(Routing.line_id == pumps, Product.sku == "PUMP-L"))
        key = make_api_key(session, "planner")
        session.commit()
    assert rate == 3.0
    today = date.today()
    due = today + timedelta(weeks=1)
    quantity = 2 * 80 * 3  # two weeks of the pump line's 80 hours at 3 large pumps an hour
    quote = await _quote(app, key, "GAMMA", due, "PUMP-L", quantity)
    review = quote["review"]
    assert isinstance(review, dict)
    promised = review["proposedDate"] or quote["promisedDate"]
    assert review["decision"] != "ACCEPT" or str(quote["promisedDate"]) > due.isoformat(), quote
    assert isinstance(promised, str) and promised > due.isoformat(), quote
    with Session(db) as session:
        # Hours the pump line has left in the weeks up to the promise, its rush reserve counted (an upper bound):
        # they must cover the quote, which holds none of them (a quote reserves nothing). No pump is in free stock.
        free = sum(max(r.capacity_hours - r.lost_hours - r.planned_hours - r.promised_hours, 0.0)
                   for r in session.scalars(select(CapacityLedger).where(
                       CapacityLedger.line_id == pumps, CapacityLedger.week <= date.fromisoformat(promised))))
    assert free + 1e-6 >= quantity / rate, (free, promised)
    soon = today + timedelta(days=1)
    from_stock = await _quote(app, key, "BETA", soon, "VALVE-2", 200)  # 600 on hand, 100 of it safety stock
    assert from_stock["promisedDate"] is not None and str(from_stock["promisedDate"]) <= soon.isoformat(), from_stock
