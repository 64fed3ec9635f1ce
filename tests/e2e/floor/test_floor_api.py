"""The floor through GraphQL: progress, an equipment failure with its subscription event, feedback, forecasts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from starlette.applications import Starlette

from domain.db import session_scope
from domain.events import ORDER_EVENTS
from domain.models import CapacityLedger, CapacityReservation, Customer, OrderStatus, Product, ProductionLine
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.floor.conftest import NEXT_MONDAY, FloorPlant
from tests.factories import make_order

PROGRESS = """
mutation($input: ProgressInput!) {
  reportProgress(input: $input) {
    progress { sku quantity onHand workInProgress }
    orders { code status lines { quantityMade } }
    errors { field message code }
  }
}
"""
INCIDENT = """
mutation($input: IncidentInput!) {
  reportIncident(input: $input) {
    incident { kind lineCode hours }
    atRisk { order { code status } expectedDate }
    alerts { kind lineCode }
    errors { field code message }
  }
}
"""
FEEDBACK = """
mutation($input: FeedbackInput!) {
  recordFeedback(input: $input) {
    feedback { orderCode kind cause message }
    order { code history { kind message } }
    errors { field code message }
  }
}
"""
FORECAST = """
mutation($input: ForecastInput!) {
  submitForecast(input: $input) { forecast { sku week low mid high } errors { field code message } }
}
"""


async def test_progress_moves_the_order_in_production_then_in_stock(gql: GraphQLClient) -> None:
    body = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 200, "scrap": 5}})
    payload = body["data"]["reportProgress"]
    assert payload["errors"] == []
    assert payload["progress"] == {"sku": "W-1", "quantity": 200.0, "onHand": 260.0, "workInProgress": 0.0}
    assert payload["orders"] == [{"code": "SO-1", "status": "IN_PRODUCTION", "lines": [{"quantityMade": 200.0}]}]
    body = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 400, "orderCode": "SO-1"}})
    assert body["data"]["reportProgress"]["orders"][0]["status"] == "IN_STOCK"
    history = await gql('{ order(code: "SO-1") { history { kind fromStatus toStatus actor } } }')
    kinds = [(h["kind"], h["toStatus"]) for h in history["data"]["order"]["history"]]
    assert ("STATUS", "IN_PRODUCTION") in kinds and ("STATUS", "IN_STOCK") in kinds


async def test_bad_progress_gets_a_user_error_with_the_field(gql: GraphQLClient, floor_plant: FloorPlant) -> None:
    # a negative quantity made
    body = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": -3}})
    assert body["data"]["reportProgress"]["errors"][0] | {"message": ""} == {
        "field": ["quantity"], "code": "INVALID", "message": ""
    }
    # an unknown line
    body = await gql(PROGRESS, {"input": {"lineCode": "L9", "sku": "W-1", "quantity": 3}})
    assert body["data"]["reportProgress"]["errors"][0]["field"] == ["lineCode"]
    # a viewer may not report progress
    viewer = floor_plant.keys["viewer"]
    body = await gql(PROGRESS, {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 3}}, key=viewer)
    assert body["data"]["reportProgress"]["errors"][0]["code"] == "FORBIDDEN"


async def test_an_equipment_failure_turns_the_promise_at_risk_with_an_order_event(
    gql: GraphQLClient, app: Starlette
) -> None:
    starts = datetime.combine(NEXT_MONDAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
    broker = app.state.broker
    async with broker.subscribe(ORDER_EVENTS) as published:
        # 60 h promised of 90 regular hours; losing 40 h leaves 50: the order moves to the week after.
        body = await gql(INCIDENT, {"input": {
            "kind": "EQUIPMENT_FAILURE", "lineCode": "L1", "hours": 40, "startsAt": starts.isoformat(),
        }})
        event_id = await asyncio.wait_for(anext(published), timeout=5)
    payload = body["data"]["reportIncident"]
    assert payload["errors"] == [] and payload["incident"]["hours"] == 40.0
    expected = (NEXT_MONDAY + timedelta(weeks=1, days=4)).isoformat()
    assert payload["atRisk"] == [{"order": {"code": "SO-1", "status": "SCHEDULED"}, "expectedDate": expected}]
    assert sorted(a["kind"] for a in payload["alerts"]) == ["INCIDENT", "LATE_ORDER"]
    history = await gql('{ order(code: "SO-1") { history { kind message } } }')
    at_risk = [h for h in history["data"]["order"]["history"] if h["kind"] == "AT_RISK"]
    assert len(at_risk) == 1 and expected in at_risk[0]["message"] and event_id > 0


async def test_feedback_is_visible_on_the_order_and_to_production(gql: GraphQLClient, floor_plant: FloorPlant) -> None:
    partner = floor_plant.keys["partner"]
    body = await gql(FEEDBACK, {"input": {
        "orderCode": "SO-1", "kind": "COMPLAINT", "cause": "PRODUCTION", "message": "scratches on the cover",
    }}, key=partner)
    payload = body["data"]["recordFeedback"]
    assert payload["errors"] == []
    assert payload["feedback"] == {
        "orderCode": "SO-1", "kind": "COMPLAINT", "cause": "PRODUCTION", "message": "scratches on the cover"
    }
    assert payload["order"]["history"][-1] == {
        "kind": "FEEDBACK", "message": "COMPLAINT (PRODUCTION): scratches on the cover"
    }
    listed = await gql("{ feedback(open: true) { totalCount edges { node { orderCode kind message } } } }")
    assert listed["data"]["feedback"] == {"totalCount": 1, "edges": [
        {"node": {"orderCode": "SO-1", "kind": "COMPLAINT", "message": "scratches on the cover"}}]}
    # the partner's key is bound to C-REG: SO-OTHER does not exist for it
    body = await gql(FEEDBACK, {"input": {
        "orderCode": "SO-OTHER", "kind": "REQUIREMENT", "message": "blue boxes",
    }}, key=partner)
    assert body["data"]["recordFeedback"]["errors"][0]["code"] == "NOT_FOUND"
    # the MES may not record feedback
    body = await gql(FEEDBACK, {"input": {"orderCode": "SO-1", "kind": "REQUIREMENT", "message": "blue boxes"}})
    assert body["data"]["recordFeedback"]["errors"][0]["code"] == "FORBIDDEN"


async def test_forecasts_are_validated(gql: GraphQLClient, floor_plant: FloorPlant) -> None:
    planner = floor_plant.keys["planner"]
    week = NEXT_MONDAY.isoformat()
    body = await gql(FORECAST, {"input": {"sku": "W-1", "week": week, "low": 1, "mid": 2, "high": 3}}, key=planner)
    assert body["data"]["submitForecast"] == {
        "forecast": {"sku": "W-1", "week": week, "low": 1.0, "mid": 2.0, "high": 3.0}, "errors": []
    }
    # a Tuesday for the week
    tuesday = (NEXT_MONDAY + timedelta(days=1)).isoformat()
    body = await gql(FORECAST, {"input": {"sku": "W-1", "week": tuesday, "low": 1, "mid": 2, "high": 3}}, key=planner)
    error = body["data"]["submitForecast"]["errors"][0]
    assert error["field"] == ["week"] and "Monday" in error["message"]
    # mid above high
    body = await gql(FORECAST, {"input": {"sku": "W-1", "week": week, "low": 1, "mid": 5, "high": 3}}, key=planner)
    assert body["data"]["submitForecast"]["errors"][0]["field"] == ["high"]


async def test_after_a_failure_the_strategic_order_gets_the_first_free_hour(gql: GraphQLClient, db: Engine) -> None:
    """Input: SO-1 (regular, 60 h) and SO-OTHER (strategic, 1 h) hold L1 next week; SO-NEXT leaves 1 free hour of
    the week after; a 100 h failure takes all of next week."""
    following = NEXT_MONDAY + timedelta(weeks=1)
    with session_scope(db) as s:
        line = s.scalars(select(ProductionLine)).one()
        widget = s.scalars(select(Product).where(Product.sku == "W-1")).one()
        customer = s.scalars(select(Customer).where(Customer.code == "C-REG")).one()
        order = make_order(s, customer, code="SO-NEXT", status=OrderStatus.SCHEDULED, lines=[(widget, 890, None)],
                           promised_date=following + timedelta(days=4))
        s.flush()
        s.add(CapacityLedger(line_id=line.id, week=following, capacity_hours=100.0, reserve_hours=10.0,
                             planned_hours=0.0, promised_hours=89.0, rush_hours_used=0.0, lost_hours=0.0))
        s.add(CapacityReservation(order_id=order.id, order_line_id=order.lines[0].id, line_id=line.id,
                                  week=following, hours=89.0, quantity=890.0))
    starts = datetime.combine(NEXT_MONDAY, datetime.min.time(), tzinfo=UTC)
    body = await gql(INCIDENT, {"input": {
        "kind": "EQUIPMENT_FAILURE", "lineCode": "L1", "hours": 100, "startsAt": starts.isoformat(),
    }})
    payload = body["data"]["reportIncident"]
    assert payload["errors"] == []
    expected = {risk["order"]["code"]: risk["expectedDate"] for risk in payload["atRisk"]}
    assert expected == {
        "SO-OTHER": (following + timedelta(days=4)).isoformat(),
        "SO-1": (following + timedelta(weeks=1, days=4)).isoformat(),
    }
