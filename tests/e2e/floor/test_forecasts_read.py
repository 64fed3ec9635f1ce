"""Forecasts readable through GraphQL: the tiers and who submitted them when; past weeks only by an admin's force."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.db import session_scope
from domain.models import Forecast, utcnow
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.floor.conftest import FloorPlant
from tests.factories import make_product

SUBMIT = """mutation($input: ForecastInput!) { submitForecast(input: $input) {
  forecast { sku week low mid high submittedBy } errors { field code message } } }"""
READ = """query($from: Date!, $weeks: Int!, $sku: String, $family: String, $all: Boolean! = false) {
  forecasts(from: $from, weeks: $weeks, sku: $sku, family: $family, allSubmissions: $all) {
    sku week low mid high submittedAt submittedBy } }"""
THIS_WEEK = week_start(utcnow().date())


async def _submit(gql: GraphQLClient, key: str, sku: str, week: date, mid: float, force: bool | None = None) -> dict:
    given = {"sku": sku, "week": week.isoformat(), "low": mid - 1, "mid": mid, "high": mid + 1}
    if force is not None:
        given["force"] = force
    return (await gql(SUBMIT, {"input": given}, key))["data"]["submitForecast"]  # type: ignore[no-any-return]


async def test_forecasts_read_back_with_tiers_and_submitter(
    gql: GraphQLClient, floor_plant: FloorPlant, db: Engine
) -> None:
    with session_scope(db) as s:
        make_product(s, sku="B-1", family="BOLTS")
    planner, admin = floor_plant.keys["planner"], floor_plant.keys["admin"]
    next_week = THIS_WEEK + timedelta(weeks=1)
    assert (await _submit(gql, planner, "W-1", THIS_WEEK, 10))["errors"] == []
    assert (await _submit(gql, planner, "W-1", next_week, 20))["errors"] == []
    assert (await _submit(gql, admin, "W-1", next_week, 25))["errors"] == []  # supersedes the planner's 20
    assert (await _submit(gql, planner, "B-1", next_week, 5))["errors"] == []
    assert (await _submit(gql, planner, "W-1", next_week + timedelta(weeks=1), 30))["errors"] == []

    # Two weeks from a Thursday of this week: the third week's forecast is outside.
    body = await gql(READ, {"from": (THIS_WEEK + timedelta(days=3)).isoformat(), "weeks": 2})
    rows = body["data"]["forecasts"]
    assert [(r["sku"], r["week"], r["low"], r["mid"], r["high"]) for r in rows] == [
        ("W-1", THIS_WEEK.isoformat(), 9.0, 10.0, 11.0),
        ("B-1", next_week.isoformat(), 4.0, 5.0, 6.0),
        ("W-1", next_week.isoformat(), 24.0, 25.0, 26.0),
    ]
    assert [r["submittedBy"].split(":")[0] for r in rows] == ["planner", "planner", "admin"]
    assert all(r["submittedAt"].startswith(utcnow().date().isoformat()[:4]) for r in rows)

    by_sku = await gql(READ, {"from": next_week.isoformat(), "weeks": 1, "sku": "W-1", "all": True},
                       floor_plant.keys["viewer"])
    assert [r["mid"] for r in by_sku["data"]["forecasts"]] == [20.0, 25.0]  # every submission, oldest first
    by_family = await gql(READ, {"from": THIS_WEEK.isoformat(), "weeks": 4, "family": "BOLTS"})
    assert [r["sku"] for r in by_family["data"]["forecasts"]] == ["B-1"]


async def test_bad_forecast_reads_and_partners_are_refused(gql: GraphQLClient, floor_plant: FloorPlant) -> None:
    tried = [  # (variables, key, code, words)
        ({"from": THIS_WEEK.isoformat(), "weeks": 0}, "mes", "INVALID", "weeks must be 1 to 104, got 0"),
        ({"from": THIS_WEEK.isoformat(), "weeks": 105}, "mes", "INVALID", "weeks must be 1 to 104, got 105"),
        ({"from": THIS_WEEK.isoformat(), "weeks": 1, "sku": "NOPE"}, "mes", "NOT_FOUND", "product 'NOPE'"),
        ({"from": THIS_WEEK.isoformat(), "weeks": 1, "family": "NOPE"}, "mes", "NOT_FOUND", "family 'NOPE'"),
        ({"from": THIS_WEEK.isoformat(), "weeks": 1}, "partner", "FORBIDDEN", "Query.forecasts"),
    ]
    for variables, role, code, words in tried:
        body = await gql(READ, variables, floor_plant.keys[role])
        assert body["data"] is None or body["data"]["forecasts"] is None, variables
        [error] = body["errors"]
        assert error["extensions"]["code"] == code, (variables, error)
        assert words in error["message"], (variables, error)


async def test_a_past_week_is_refused_unless_an_admin_forces_it(
    gql: GraphQLClient, floor_plant: FloorPlant, db: Engine
) -> None:
    last_week = THIS_WEEK - timedelta(weeks=1)
    planner, admin = floor_plant.keys["planner"], floor_plant.keys["admin"]
    # Tried: the week before the current one by a planner, without force and with it; by an admin without force.
    refused = await _submit(gql, planner, "W-1", last_week, 10)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", ["week"])]
    assert f"before the current week ({THIS_WEEK.isoformat()})" in refused["errors"][0]["message"]
    forced = await _submit(gql, planner, "W-1", last_week, 10, force=True)
    assert [(e["code"], e["field"]) for e in forced["errors"]] == [("FORBIDDEN", ["force"])]
    assert [e["code"] for e in (await _submit(gql, admin, "W-1", last_week, 10))["errors"]] == ["INVALID"]
    with Session(db) as s:
        assert s.scalar(select(Forecast.id)) is None
    done = await _submit(gql, admin, "W-1", last_week, 10, force=True)
    assert done["errors"] == [] and done["forecast"]["week"] == last_week.isoformat()
    assert done["forecast"]["submittedBy"].startswith("admin:")
