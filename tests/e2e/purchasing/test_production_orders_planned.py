"""Production orders become work the plan includes (R10, R11): a stock alert's suggestion, released by a planner,
is demand in the next replan, once (not on top of the safety stock it refills), until the floor has made it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from domain import clock
from domain.db import session_scope
from domain.models import ProcessMaturity, Product, ProductionLine, Routing
from tests.e2e.purchasing.conftest import Purchasing
from tests.factories import make_api_key

SAFETY = 50.0
REPORT = """mutation($q: Float!) { reportProgress(input: {lineCode: "L2", sku: "SKU-X", quantity: $q}) {
  errors { code message } } }"""
LISTED = """query($status: ProductionOrderStatus) { productionOrders(status: $status) { edges { node {
  id sku quantity quantityMade dueDate reason orderCode status } } } }"""
RELEASE = """mutation($id: ID!) { releaseProductionOrder(input: {id: $id}) { productionOrder { status }
  errors { code message } } }"""
REPLAN = """mutation { replan(input: {horizonWeeks: 4}) { plan { version items(daily: false) { sku quantity week } }
  errors { code message } } }"""


def _planned(answer: dict[str, Any], sku: str = "SKU-X") -> float:
    payload = answer["data"]["replan"]
    assert payload["errors"] == [], payload
    return float(sum(i["quantity"] for i in payload["plan"]["items"] if i["sku"] == sku))


async def _stock_suggestion(p: Purchasing, db: Engine) -> tuple[dict[str, Any], str]:
    """SKU-X (no orders, no forecast, safety stock 50) reported made 1: the alert suggests 49 to make."""
    with session_scope(db) as s:
        product = Product(sku="SKU-X", name="Product X", family="B", unit_cost=10, list_price=15,
                          safety_stock=SAFETY, on_hand=0.0, maturity=ProcessMaturity.PROVEN)
        s.add(product)
        s.flush()
        line = s.scalars(select(ProductionLine).where(ProductionLine.code == "L2")).one()
        s.add(Routing(line_id=line.id, product_id=product.id, units_per_hour=20.0))
        mes = make_api_key(s, "mes")
    assert (await p.gql(REPORT, {"q": 1.0}, key=mes))["data"]["reportProgress"]["errors"] == []
    edges = (await p.gql(LISTED, {"status": "SUGGESTED"}))["data"]["productionOrders"]["edges"]
    [suggestion] = [e["node"] for e in edges if e["node"]["sku"] == "SKU-X"]
    assert suggestion["orderCode"] is None and suggestion["quantity"] == SAFETY - 1.0
    return suggestion, mes


async def test_a_released_stock_suggestion_is_planned_in_the_next_replan(purchasing: Purchasing, db: Engine) -> None:
    """The safety stock set to 0 after the suggestion was raised: the replan before the release plans no SKU-X,
    the replan after it plans the released 49; reports of 20 then 29 made leave 29, then nothing, to plan."""
    suggestion, mes = await _stock_suggestion(purchasing, db)
    with session_scope(db) as s:
        s.execute(update(Product).where(Product.sku == "SKU-X").values(safety_stock=0.0))
    planner = purchasing.keys["planner"]
    assert _planned(await purchasing.gql(REPLAN, key=planner)) == 0.0
    released = await purchasing.gql(RELEASE, {"id": suggestion["id"]}, key=planner)
    assert released["data"]["releaseProductionOrder"]["productionOrder"]["status"] == "RELEASED"
    assert _planned(await purchasing.gql(REPLAN, key=planner)) == suggestion["quantity"]
    await purchasing.gql(REPORT, {"q": 20.0}, key=mes)
    [node] = [e["node"] for e in (await purchasing.gql(LISTED, {"status": "RELEASED"}))["data"]["productionOrders"]
              ["edges"]]
    assert (node["quantityMade"], node["status"]) == (20.0, "RELEASED")
    assert _planned(await purchasing.gql(REPLAN, key=planner)) == suggestion["quantity"] - 20.0
    await purchasing.gql(REPORT, {"q": suggestion["quantity"] - 20.0}, key=mes)
    [node] = [e["node"] for e in (await purchasing.gql(LISTED, {"status": "DONE"}))["data"]["productionOrders"]
              ["edges"]]
    assert node["quantityMade"] == suggestion["quantity"]
    assert _planned(await purchasing.gql(REPLAN, key=planner)) == 0.0


async def test_a_released_stock_order_is_not_planned_on_top_of_the_safety_stock_it_refills(
    purchasing: Purchasing, db: Engine,
) -> None:
    """Safety stock 50, 1 in stock: the plan makes 49 before the release and 49 after it, not 98."""
    suggestion, _mes = await _stock_suggestion(purchasing, db)
    planner = purchasing.keys["planner"]
    before = _planned(await purchasing.gql(REPLAN, key=planner))
    await purchasing.gql(RELEASE, {"id": suggestion["id"]}, key=planner)
    after = _planned(await purchasing.gql(REPLAN, key=planner))
    assert before == after == suggestion["quantity"]


async def test_an_orders_production_order_is_released_planned_and_done_when_its_line_is_made(
    purchasing: Purchasing, db: Engine,
) -> None:
    """R11: an order for 60 SKU-X with nothing in stock raises a production order; released, the next plan holds
    the 60; the floor reporting the 60 against the order makes it DONE."""
    suggestion, mes = await _stock_suggestion(purchasing, db)
    planner = purchasing.keys["planner"]
    created = await purchasing.gql(
        """mutation($input: OrderInput!) { createOrder(input: $input) { order { code status } errors { message } } }""",
        {"input": {"customerCode": "C1", "requestedDate": _weeks_ahead(3),
                   "lines": [{"sku": "SKU-X", "quantity": 60}]}}, key=planner)
    order = created["data"]["createOrder"]["order"]
    assert order is not None, created
    edges = (await purchasing.gql(LISTED, {"status": "SUGGESTED"}))["data"]["productionOrders"]["edges"]
    [for_order] = [e["node"] for e in edges if e["node"]["orderCode"] == order["code"]]
    assert for_order["quantity"] == 60.0
    assert (await purchasing.gql(RELEASE, {"id": for_order["id"]}, key=planner))["data"][
        "releaseProductionOrder"]["productionOrder"]["status"] == "RELEASED"
    assert _planned(await purchasing.gql(REPLAN, key=planner)) >= 60.0
    report = """mutation($code: String!) { reportProgress(input: {lineCode: "L2", sku: "SKU-X", quantity: 60,
      orderCode: $code}) { errors { code message } } }"""
    assert (await purchasing.gql(report, {"code": order["code"]}, key=mes))["data"]["reportProgress"]["errors"] == []
    done = (await purchasing.gql(LISTED, {"status": "DONE"}))["data"]["productionOrders"]["edges"]
    assert [(e["node"]["orderCode"], e["node"]["quantityMade"]) for e in done] == [(order["code"], 60.0)]
    assert suggestion["status"] == "SUGGESTED"


def _weeks_ahead(weeks: int) -> str:
    return (clock.today() + timedelta(weeks=weeks)).isoformat()
