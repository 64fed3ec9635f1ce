"""Forecast consumption end to end: after a replan fills the line with W-1's forecast, an order for W-1 is promised
on those hours and an order for Y-1 (same line, no forecast) is not; a cancel gives W-1's hours back."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from domain.config import DEFAULT_RULES_DIR
from domain.db import session_scope
from domain.models import CapacityLedger, CapacityReservation, Forecast, ForecastHours, Product, Routing
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.e2e.lifecycle.conftest import THIS_WEEK, UNITS_PER_HOUR, Plant
from tests.factories import make_product

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code status version promisedDate } errors { code message } } }"""
CANCEL = """mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
  order { code status } errors { code message } } }"""
REPLAN = """mutation($input: ReplanInput) { replan(input: $input) { plan { version inForce } errors { code } } }"""
DUE = THIS_WEEK + timedelta(weeks=3, days=4)
FORECAST_PER_WEEK = 800.0  # 80 of the line's 88 regular hours a week


@pytest.fixture
async def app(db: Engine, db_url: str, tmp_path: Path) -> AsyncIterator[Starlette]:
    """The app on the shipped rules without FORECAST-DECAY: the plan holds the whole forecast of the near weeks, so
    the line stays full of W-1's hours (tests/unit/planning/test_forecast_netting.py tries the decay)."""
    rules = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, rules)
    policy = rules / "capacity_policy.yaml"
    text = policy.read_text()
    start = text.index("  - id: FORECAST-DECAY")
    text = text[:start] + text[text.index("  - id: MIN-SPLIT"):]
    policy.write_text(text.replace("\n             forecast_lead_days_min: 0, forecast_lead_days_max: 42,", ""))
    async with serving(db_url, rules_dir=rules) as application:
        yield application


def _forecast_w1(db: Engine, plant: Plant) -> None:
    """W-1's forecast fills the line for 8 weeks; Y-1 is made on the same line and has none."""
    with session_scope(db) as s:
        widget = s.scalars(select(Product).where(Product.sku == "W-1")).one()
        other = make_product(s, "Y-1", unit_cost="6", list_price="10")
        s.add(Routing(line_id=plant.line_id, product_id=other.id, units_per_hour=UNITS_PER_HOUR))
        s.add_all(Forecast(product_id=widget.id, week=THIS_WEEK + timedelta(weeks=w), low=FORECAST_PER_WEEK,
                           mid=FORECAST_PER_WEEK, high=FORECAST_PER_WEEK) for w in range(8))


def _hours(db: Engine) -> tuple[float, float, float]:
    """(planned hours, W-1's forecast hours, hours reservations consumed from the forecast) over the horizon."""
    with Session(db) as s:
        planned = s.scalar(select(func.sum(CapacityLedger.planned_hours))) or 0.0
        forecast = s.scalar(select(func.sum(ForecastHours.hours))) or 0.0
        consumed = s.scalar(select(func.sum(CapacityReservation.forecast_hours))) or 0.0
        return float(planned), float(forecast), float(consumed)


async def _create(gql: GraphQLClient, code: str, sku: str, quantity: float) -> dict[str, object]:
    body = await gql(CREATE, {"input": {"code": code, "customerCode": "REG", "requestedDate": DUE.isoformat(),
                                        "lines": [{"sku": sku, "quantity": quantity}]}})
    assert body["data"]["createOrder"]["errors"] == [], body
    return body["data"]["createOrder"]["order"]  # type: ignore[no-any-return]


async def test_an_order_is_promised_on_its_own_skus_forecast_hours_and_gives_them_back_on_cancel(
        gql: GraphQLClient, plant: Plant, db: Engine) -> None:
    _forecast_w1(db, plant)
    body = await gql(REPLAN, {"input": {"horizonWeeks": 6}})
    assert body["data"]["replan"]["errors"] == []
    planned, forecast, _ = _hours(db)
    assert planned > 200 and forecast > 200 and abs(planned - forecast) < 1e-6  # the plan's hours, split per sku
    # Bad input tried: 500 Y-1 (50 h) by the due week on a line whose regular hours W-1's forecast holds.
    other = await _create(gql, "Y-500", "Y-1", 500)
    assert other["status"] != "ACCEPTED" or other["promisedDate"] != DUE.isoformat()
    assert _hours(db)[2] == 0.0  # an order for another sku consumed none of W-1's hours
    widget = await _create(gql, "W-500", "W-1", 500)
    assert (widget["status"], widget["promisedDate"]) == ("ACCEPTED", DUE.isoformat())
    after_planned, after_forecast, consumed = _hours(db)
    assert consumed > 20  # what the few free hours (8 h a week) could not hold came from W-1's forecast
    assert abs(after_planned - (planned - consumed)) < 1e-6 and abs(after_forecast - (forecast - consumed)) < 1e-6
    cancelled = await gql(CANCEL, {"input": {"code": "W-500", "expectedVersion": widget["version"],
                                             "reason": "test"}})
    assert cancelled["data"]["cancelOrder"]["errors"] == []
    back_planned, back_forecast, _ = _hours(db)
    assert abs(back_planned - planned) < 1e-6 and abs(back_forecast - forecast) < 1e-6
