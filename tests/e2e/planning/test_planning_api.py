"""Plans, capacity load, the replan mutation and the rules reload, through GraphQL on both databases."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette

from api.app import create_app
from domain.config import DEFAULT_RULES_DIR, Settings
from domain.db import session_scope
from tests.e2e.api.conftest import GraphQLClient
from tests.factories import make_api_key
from tests.integration.planning.plant import build_plant

REPLAN = """mutation($input: ReplanInput) { replan(input: $input) {
  plan { version inForce tier frozenUntil horizonWeeks status diagnostics { kind message } }
  changes scheduledOrders errors { code message field } } }"""


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return Path(
        shutil.copytree(DEFAULT_RULES_DIR, tmp_path / "rules", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    )


@pytest.fixture
async def gql(db: Engine, db_url: str, rules_dir: Path) -> AsyncIterator[tuple[GraphQLClient, dict[str, str]]]:
    with session_scope(db) as session:
        build_plant(session, today=date.today())
        keys = {role: make_api_key(session, role) for role in ("viewer", "planner", "admin")}
    app: Starlette = create_app(Settings(database_url=db_url, rules_dir=rules_dir))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield GraphQLClient(http), keys
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()


async def test_replan_needs_the_planner_role(gql: tuple[GraphQLClient, dict[str, str]]) -> None:
    client, keys = gql
    answer = await client(REPLAN, {"input": {"horizonWeeks": 4}}, key=keys["viewer"])
    payload = answer["data"]["replan"]
    assert payload["plan"] is None and payload["errors"][0]["code"] == "FORBIDDEN"


async def test_replan_puts_a_plan_in_force_with_daily_tasks_and_loads(
    gql: tuple[GraphQLClient, dict[str, str]],
) -> None:
    client, keys = gql
    assert (await client("{ plan { version } }", key=keys["viewer"]))["data"]["plan"] is None
    answer = await client(REPLAN, {"input": {"horizonWeeks": 4, "tier": "HIGH"}}, key=keys["planner"])
    payload = answer["data"]["replan"]
    assert payload["errors"] == []
    assert payload["plan"]["version"] == 1 and payload["plan"]["inForce"] and payload["plan"]["tier"] == "HIGH"
    assert payload["scheduledOrders"] == 2  # the plant's two accepted orders
    shown = await client(
        """{ plan { version inForce items { week lineCode sku quantity hours } daily: items(daily: true) { day lineCode
        sku quantity crewHours } loads { lineCode week capacityHours plannedHours reservedHours utilization } }
        orders(first: 10) { edges { node { code status scheduledAt } } } }""",
        key=keys["viewer"],
    )
    plan = shown["data"]["plan"]
    assert plan["inForce"] and plan["items"] and plan["daily"]
    assert all(item["day"] is not None and item["crewHours"] > 0 for item in plan["daily"])
    assert len(plan["loads"]) == 2 * 4
    assert all(load["plannedHours"] <= load["capacityHours"] + 8.0 + 1e-6 for load in plan["loads"])
    statuses = {edge["node"]["status"] for edge in shown["data"]["orders"]["edges"]}
    assert statuses == {"SCHEDULED"}
    load = await client(
        "query($from: Date!) { capacityLoad(from: $from, weeks: 4) { lineCode week capacityHours reservedHours } }",
        # From the plan's first week: a replan on a weekend plans from the next Monday, so "today" may lie before it.
        {"from": min(load["week"] for load in plan["loads"])},
        key=keys["viewer"],
    )
    rows = load["data"]["capacityLoad"]
    assert len(rows) == 8 and all(r["reservedHours"] > 0 for r in rows if r["capacityHours"] > 0)
    again = await client(REPLAN, {"input": {"horizonWeeks": 4}}, key=keys["planner"])
    assert again["data"]["replan"]["plan"]["version"] == 2
    first = await client('{ plan(id: "1") { version inForce } }', key=keys["viewer"])
    assert first["data"]["plan"] == {"version": 1, "inForce": False}


async def test_bad_planning_arguments_name_the_argument(gql: tuple[GraphQLClient, dict[str, str]]) -> None:
    """Inputs tried: capacityLoad weeks 0, plan id 'abc', replan horizonWeeks 40."""
    client, keys = gql
    bad = await client('{ capacityLoad(from: "2026-11-23", weeks: 0) { lineCode } }', key=keys["viewer"])
    assert "weeks" in bad["errors"][0]["message"]
    bad = await client('{ plan(id: "abc") { version } }', key=keys["viewer"])
    assert "id" in bad["errors"][0]["message"]
    answer = await client(REPLAN, {"input": {"horizonWeeks": 40}}, key=keys["planner"])
    error = answer["data"]["replan"]["errors"][0]
    assert error["code"] == "INVALID" and error["field"] == ["horizonWeeks"]


async def test_reload_rules_admin_only_and_broken_files_keep_rules(
    gql: tuple[GraphQLClient, dict[str, str]], rules_dir: Path
) -> None:
    """Input tried: a typo in a field name of review.yaml ('margin.pct' -> 'margn.pct')."""
    client, keys = gql
    query = "{ ruleSets { name version file rules { id description } } }"
    before = (await client(query, key=keys["viewer"]))["data"]["ruleSets"]
    names = {s["name"] for s in before}
    assert {"review", "rush", "priority", "capacity_policy", "cost_allocation", "scorecards"} <= names
    reload = "mutation { reloadRules { version ruleSets { name version } errors { code message field } } }"
    denied = (await client(reload, key=keys["viewer"]))["data"]["reloadRules"]
    assert denied["errors"][0]["code"] == "FORBIDDEN"
    review = rules_dir / "review.yaml"
    text = review.read_text()
    assert "margin.pct" in text
    review.write_text(text.replace("margin.pct", "margn.pct", 1))
    broken = (await client(reload, key=keys["admin"]))["data"]["reloadRules"]
    assert any(
        e["code"] == "RULES_INVALID" and "review.yaml:" in e["message"] and "margn.pct" in e["message"]
        for e in broken["errors"]
    )
    after = (await client(query, key=keys["viewer"]))["data"]["ruleSets"]
    assert after == before  # the old rules stay in force
    review.write_text(text + "\n# reviewed\n")
    done = (await client(reload, key=keys["admin"]))["data"]["reloadRules"]
    assert done["errors"] == []
    assert {s["version"] for s in done["ruleSets"] if s["name"] == "review"} != {
        s["version"] for s in before if s["name"] == "review"
    }


async def test_orders_accepted_after_the_cutoff_wait_for_the_next_replan(
    gql: tuple[GraphQLClient, dict[str, str]],
) -> None:
    """The plant's two orders were accepted yesterday; a cut-off a week ago leaves them ACCEPTED."""
    client, keys = gql
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    answer = await client(REPLAN, {"input": {"horizonWeeks": 4, "cutoff": week_ago}}, key=keys["planner"])
    assert answer["data"]["replan"]["errors"] == [] and answer["data"]["replan"]["scheduledOrders"] == 0
    shown = await client("{ orders(first: 10) { edges { node { status } } } }", key=keys["viewer"])
    assert {e["node"]["status"] for e in shown["data"]["orders"]["edges"]} == {"ACCEPTED"}
    answer = await client(REPLAN, {"input": {"horizonWeeks": 4}}, key=keys["planner"])
    assert answer["data"]["replan"]["scheduledOrders"] == 2
