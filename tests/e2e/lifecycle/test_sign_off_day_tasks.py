"""An order that waited for a sign-off and is approved mid-week joins the running week's day tasks (R3 with R6):
before, its held hours waited for the weekend replan and the promise inside the week was missed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from click.testing import CliRunner
from sqlalchemy import Engine

from cli import cli
from domain import clock
from domain.db import session_scope
from domain.models import CapacityLedger, CurrentPlan, ForecastTier, Plan, PlanItem, ProcessMaturity, Product, Routing
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import WEEKLY_HOURS, Plant
from tests.e2e.lifecycle.test_rush_day_tasks import MONDAY, TASKS, TUESDAY
from tests.factories import make_api_key, make_product

FRIDAY = MONDAY + timedelta(days=4)
CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code version status } errors { code message } } }"""
SIGN = """mutation($input: SignOffInput!) { signOffOrder(input: $input) {
  order { status promisedDate } errors { code message } } }"""


async def test_an_order_approved_on_tuesday_is_in_the_weeks_day_tasks(gql: GraphQLClient, db: Engine, db_url: str,
                                                                     plant: Plant) -> None:
    """Input: a NEW-process product N-1 on L1 (10 an hour), a plan in force for the week with one task on Monday,
    an order for 30 N-1 due Friday created on Tuesday (it waits for technology), then technology approves it."""
    with session_scope(db) as s:
        new = make_product(s, "N-1", unit_cost="6", list_price="10", maturity=ProcessMaturity.NEW)
        s.add(Routing(line_id=plant.line_id, product_id=new.id, units_per_hour=10.0))
        spare = s.query(Product).filter_by(sku="S-1").one()
        plan = Plan(version=1, tier=ForecastTier.MID, horizon_start=MONDAY, horizon_weeks=4,
                    frozen_until=MONDAY + timedelta(days=2), inputs_fingerprint="e2e")
        s.add(plan)
        s.flush()
        s.add(CurrentPlan(plan_id=plan.id))
        s.add(PlanItem(plan_id=plan.id, week=MONDAY, day=MONDAY, line_id=plant.line_id, product_id=spare.id,
                       quantity=40.0, hours=4.0, crew_hours=16.0, quantity_made=0.0, frozen=True))
        s.add(CapacityLedger(line_id=plant.line_id, week=MONDAY, capacity_hours=WEEKLY_HOURS,
                             reserve_hours=WEEKLY_HOURS * 0.12, planned_hours=4.0, promised_hours=0.0,
                             rush_hours_used=0.0, lost_hours=0.0))
        technology = make_api_key(s, "technology", name="Tess")
    with clock.pinned(datetime.combine(TUESDAY, time(10), tzinfo=UTC)):
        answer = await gql(CREATE, {"input": {"customerCode": "KEY", "requestedDate": FRIDAY.isoformat(),
                                              "lines": [{"sku": "N-1", "quantity": 30}]}})
        order = answer["data"]["createOrder"]["order"]
        assert order["status"] == "RECEIVED", answer
        tasks = (await gql(TASKS, {}))["data"]["plan"]["items"]
        assert [t for t in tasks if t["sku"] == "N-1"] == []  # a hold is not work yet
        signed = await gql(SIGN, {"input": {"code": order["code"], "expectedVersion": order["version"],
                                            "approve": True, "reason": "process validated"}}, key=technology)
        payload = signed["data"]["signOffOrder"]
        assert payload["errors"] == [] and payload["order"] == {"status": "ACCEPTED",
                                                                "promisedDate": FRIDAY.isoformat()}, signed
        made = [t for t in (await gql(TASKS, {}))["data"]["plan"]["items"] if t["sku"] == "N-1"]
        assert made and sum(t["quantity"] for t in made) == 30.0, made
        assert all(TUESDAY.isoformat() < t["day"] <= FRIDAY.isoformat() for t in made), made
    checked = CliRunner().invoke(cli, ["check", "--today", TUESDAY.isoformat()], env={"SOP_DATABASE_URL": db_url})
    assert checked.exit_code == 0 and "0 violations" in checked.output, checked.output
