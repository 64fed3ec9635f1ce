"""Plan consensus (R5) through GraphQL on both databases: a replan that breaks promises is a DRAFT whose planDiff
lists the moved orders and touches nothing; production and sales approve it into force (published: its order events
and planPublished), or one rejects it; a stale draft cannot be approved; a small replan goes into force alone; the
ledger stays sound throughout."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from api.app import create_app
from domain import clock
from domain.capacity.checks import ledger_violations
from domain.config import DEFAULT_RULES_DIR, Settings
from domain.db import session_scope
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.events.broker import ORDER_EVENTS, PLANS
from domain.models import CapacityLedger, LineCalendarDay, OrderEvent
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.api.test_subscriptions import connected, subscribe
from tests.factories import make_api_key

THURSDAY, SATURDAY, MONDAY = date(2026, 12, 3), date(2026, 12, 5), date(2026, 12, 7)
PLANT = DemoSize("consensus", products=8, families=2, lines=3, customers=12, orders=150)
PLAN = "id version status inForce basedOn rejectedBy rejectionReason approvals { side role person reason }"
REPLAN = f"""mutation {{ replan(input: {{horizonWeeks: 4}}) {{ plan {{ {PLAN} }} changes scheduledOrders
  errors {{ code message }} }} }}"""
DECIDE = """mutation($input: PlanDecisionInput!) { %s(input: $input) { plan { %s } changes scheduledOrders
  errors { code message field } } }"""
DIFF = """query($from: ID!, $to: ID) { planDiff(from: $from, to: $to) { from { version } to { version status }
  itemsAdded itemsRemoved itemsChanged movedOrders { order { code promisedDate } fromDate toDate reason }
  brokenPromises { order { code promisedDate } fromDate toDate } } }"""


@dataclass
class Plant:
    client: GraphQLClient
    keys: dict[str, str]
    app: Starlette
    rules_dir: Path


def _sound(db: Engine) -> None:
    """`sop check`'s invariants."""
    with Session(db) as session:
        assert ledger_violations(session) == []


def _told(db: Engine) -> set[int]:
    """AT_RISK and MOVED events in the order history (the demo's own history holds some)."""
    with Session(db) as session:
        return set(session.scalars(select(OrderEvent.id).where(OrderEvent.kind.in_(("AT_RISK", "MOVED")))))


def _promised(db: Engine, line_id: int, week: date) -> float:
    with Session(db) as session:
        row = session.scalar(select(CapacityLedger).where(CapacityLedger.line_id == line_id,
                                                          CapacityLedger.week == week))
        assert row is not None
        return row.promised_hours


def _holiday(db: Engine, week: date) -> int:
    """The whole week a holiday on the line with the most promised hours in it (a calendar change, the ledger as
    it was): the next replan cannot make those promises. Returns the line's id."""
    with session_scope(db) as session:
        line_id = session.scalar(select(CapacityLedger.line_id).where(CapacityLedger.week == week)
                                 .order_by(CapacityLedger.promised_hours.desc()).limit(1))
        assert line_id is not None
        session.add_all(LineCalendarDay(line_id=line_id, day=week + timedelta(days=d), hours=0.0, reason="holiday")
                        for d in range(7))
    return line_id


async def _listening(app: Starlette, channel: str) -> None:
    """The subscription starts listening a moment after `subscribe` is sent."""
    local = getattr(app.state.broker, "_local", app.state.broker)
    for _ in range(250):
        if local.subscriber_count(channel):
            return
        await anyio.sleep(0.02)
    raise AssertionError("the subscription never reached the broker")


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DEFAULT_RULES_DIR, tmp_path / "rules",
                                ignore=shutil.ignore_patterns("*.py", "__pycache__")))


@pytest.fixture
def pinned_clock() -> Iterator[None]:
    with clock.pinned(THURSDAY):
        yield


async def _serve(db: Engine, db_url: str, rules_dir: Path) -> AsyncIterator[Plant]:
    load_demo(db, PLANT, seed=1, today=THURSDAY)
    with session_scope(db) as session:
        keys = {role: make_api_key(session, role, name=f"{role}-person")
                for role in ("viewer", "planner", "production", "sales", "admin")}
        keys["sales2"] = make_api_key(session, "sales", name="another-salesperson")
    app: Starlette = create_app(Settings(database_url=db_url, rules_dir=rules_dir))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            yield Plant(GraphQLClient(http), keys, app, rules_dir)
    finally:
        await app.state.broker.close()
        await app.state.engine.dispose()


@pytest.fixture
async def plant(db: Engine, db_url: str, rules_dir: Path, pinned_clock: None) -> AsyncIterator[Plant]:
    async for served in _serve(db, db_url, rules_dir):
        yield served


async def _replan(plant: Plant, key: str = "planner") -> dict[str, Any]:
    answer = await plant.client(REPLAN, key=plant.keys[key])
    payload: dict[str, Any] = answer["data"]["replan"]
    assert payload["errors"] == [], payload
    return payload


async def _decide(plant: Plant, mutation: str, key: str, plan_id: str, reason: str | None = None) -> dict[str, Any]:
    answer = await plant.client(DECIDE % (mutation, PLAN), {"input": {"planId": plan_id, "reason": reason}},
                                key=plant.keys[key])
    payload: dict[str, Any] = answer["data"][mutation]
    return payload


async def _draft_breaking_promises(plant: Plant, db: Engine) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The first plan (in force at once), a holiday next week, then the weekend replan: a DRAFT."""
    first = await _replan(plant)
    assert first["plan"]["status"] == "IN_FORCE" and first["plan"]["basedOn"] is None
    told = _told(db)
    line_id = _holiday(db, MONDAY)
    promised = _promised(db, line_id, MONDAY)
    assert promised > 0
    clock.pin(SATURDAY)  # the weekend replan plans from Monday, nothing frozen
    draft = await _replan(plant)
    assert draft["plan"]["status"] == "DRAFT" and not draft["plan"]["inForce"], draft
    assert draft["plan"]["basedOn"] == first["plan"]["id"] and draft["scheduledOrders"] == 0
    assert _told(db) == told  # nobody was told of a move the draft only proposes
    return first["plan"], draft["plan"], line_id


async def test_a_replan_breaking_promises_is_a_draft_until_production_and_sales_approve_it(
    plant: Plant, db: Engine,
) -> None:
    """Input: the weekend replan after a whole week's holiday on the busiest line (policy: at most 20 changes and
    no promise broken go alone). The draft's planDiff lists the orders it would move and the promises it would
    break; until both sides approve, the ledger keeps every promise and no order is told anything."""
    first, draft, line_id = await _draft_breaking_promises(plant, db)
    promised = _promised(db, line_id, MONDAY)
    diff = (await plant.client(DIFF, {"from": first["id"], "to": draft["id"]}, key=plant.keys["viewer"]))["data"]
    shown = diff["planDiff"]
    assert shown["from"]["version"] == first["version"] and shown["to"]["status"] == "DRAFT"
    assert shown["itemsAdded"] + shown["itemsRemoved"] + shown["itemsChanged"] > 0
    assert shown["movedOrders"] and shown["brokenPromises"]
    assert all(m["reason"] and m["toDate"] != m["fromDate"] for m in shown["movedOrders"])
    assert all(b["toDate"] is None or b["toDate"] > b["order"]["promisedDate"] for b in shown["brokenPromises"])
    to_in_force = (await plant.client(DIFF, {"from": draft["id"]}, key=plant.keys["viewer"]))["data"]["planDiff"]
    assert to_in_force["to"]["version"] == first["version"] and to_in_force["brokenPromises"] == []
    told = _told(db)
    assert _promised(db, line_id, MONDAY) == promised  # nothing of the draft took effect
    assert (await plant.client("{ plan { version } }", key=plant.keys["viewer"]))["data"]["plan"]["version"] == 1
    _sound(db)

    denied = await _decide(plant, "approvePlan", "viewer", draft["id"])
    assert denied["errors"][0]["code"] == "FORBIDDEN"
    sales = await _decide(plant, "approvePlan", "sales", draft["id"], "customers told on Monday")
    assert sales["errors"] == [] and sales["plan"]["status"] == "DRAFT"
    assert sales["plan"]["approvals"] == [{"side": "sales", "role": "sales", "person": "sales-person",
                                           "reason": "customers told on Monday"}]
    again = await _decide(plant, "approvePlan", "sales2", draft["id"])
    assert again["errors"][0]["code"] == "INVALID_TRANSITION" and "sales side" in again["errors"][0]["message"]
    assert _promised(db, line_id, MONDAY) == promised
    _sound(db)

    broker = plant.app.state.broker
    async with broker.subscribe(ORDER_EVENTS) as published, broker.subscribe(PLANS) as plans:
        done = await _decide(plant, "approvePlan", "production", draft["id"])
        got: list[int] = []
        with anyio.move_on_after(5):
            async for event_id in published:
                got.append(event_id)
                break
        went: list[int] = []
        with anyio.move_on_after(5):
            async for plan_id in plans:
                went.append(plan_id)
                break
    assert went == [int(draft["id"])]  # planPublished
    assert done["errors"] == [] and done["plan"]["status"] == "IN_FORCE" and done["plan"]["inForce"]
    assert {a["side"]: a["person"] for a in done["plan"]["approvals"]} == {
        "sales": "sales-person", "production": "production-person"}
    assert got, "going into force published the orders' events"
    before = (await plant.client(f'{{ plan(id: "{first["id"]}") {{ status }} }}', key=plant.keys["viewer"]))
    assert before["data"]["plan"]["status"] == "SUPERSEDED"
    assert _promised(db, line_id, MONDAY) < promised  # the promises moved out of the holiday week
    with Session(db) as session:
        new = session.scalars(select(OrderEvent).where(OrderEvent.kind.in_(("AT_RISK", "MOVED")),
                                                       OrderEvent.id.not_in(told))).all()
        assert new and all(e.actor == "production:production-person" for e in new)
        assert {e.order_code for e in new} == {m["order"]["code"] for m in shown["movedOrders"]}
    moved = {m["order"]["code"] for m in shown["movedOrders"]}
    after = (await plant.client(DIFF, {"from": first["id"], "to": draft["id"]}, key=plant.keys["viewer"]))
    assert {m["order"]["code"] for m in after["data"]["planDiff"]["movedOrders"]} == moved
    listed = await plant.client("{ plans(first: 10) { totalCount edges { node { version status } } } "
                                "drafts: plans(status: DRAFT) { totalCount } }", key=plant.keys["viewer"])
    assert [e["node"]["status"] for e in listed["data"]["plans"]["edges"]] == ["IN_FORCE", "SUPERSEDED"]
    assert listed["data"]["drafts"]["totalCount"] == 0
    _sound(db)


async def test_a_rejected_draft_never_goes_into_force_and_a_stale_one_cannot_be_approved(
    plant: Plant, db: Engine,
) -> None:
    """Input: two weekend drafts against the same plan in force; the first rejected (a reason required), the
    second approved by an admin (standing in for production) and sales; then the first is stale."""
    first, draft, line_id = await _draft_breaking_promises(plant, db)
    promised = _promised(db, line_id, MONDAY)
    second = (await _replan(plant))["plan"]
    assert second["status"] == "DRAFT" and second["basedOn"] == first["id"]
    no_reason = await _decide(plant, "rejectPlan", "sales", draft["id"], "  ")
    assert no_reason["errors"][0]["code"] == "INVALID" and no_reason["errors"][0]["field"] == ["input", "reason"]
    rejected = await _decide(plant, "rejectPlan", "sales", draft["id"], "the holiday moves to January")
    assert rejected["errors"] == [] and rejected["plan"]["status"] == "REJECTED"
    assert rejected["plan"]["rejectedBy"] == "sales:sales-person"
    assert rejected["plan"]["rejectionReason"] == "the holiday moves to January"
    late = await _decide(plant, "approvePlan", "production", draft["id"])
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"
    assert _promised(db, line_id, MONDAY) == promised
    listed = await plant.client("{ plans(status: REJECTED) { edges { node { version } } } "
                                "drafts: plans(status: DRAFT) { edges { node { version } } } }",
                                key=plant.keys["viewer"])
    assert [e["node"]["version"] for e in listed["data"]["plans"]["edges"]] == [draft["version"]]
    assert [e["node"]["version"] for e in listed["data"]["drafts"]["edges"]] == [second["version"]]
    _sound(db)

    admin = await _decide(plant, "approvePlan", "admin", second["id"])
    assert admin["plan"]["approvals"][0]["side"] == "production" and admin["plan"]["status"] == "DRAFT"
    twice = await _decide(plant, "approvePlan", "admin", second["id"])  # one person never approves both sides
    assert twice["errors"][0]["code"] == "INVALID_TRANSITION"
    assert "admin-person approved" in twice["errors"][0]["message"]
    done = await _decide(plant, "approvePlan", "sales", second["id"])
    assert done["plan"]["status"] == "IN_FORCE"
    third = (await _replan(plant))["plan"]  # against the second: nothing changed, so it goes alone
    assert third["status"] == "IN_FORCE"
    stale_base = await _decide(plant, "approvePlan", "production", second["id"])
    assert stale_base["errors"][0]["code"] == "INVALID_TRANSITION"  # it was in force
    _sound(db)


async def test_a_stale_draft_gets_stale_plan(plant: Plant, db: Engine) -> None:
    """Input: two weekend drafts against plan 1; the newer approved by both sides; then the older one."""
    first, older, _line = await _draft_breaking_promises(plant, db)
    newer = (await _replan(plant))["plan"]
    await _decide(plant, "approvePlan", "planner", newer["id"])
    assert (await _decide(plant, "approvePlan", "sales", newer["id"]))["plan"]["status"] == "IN_FORCE"
    stale = await _decide(plant, "approvePlan", "sales", older["id"])
    assert stale["plan"] is None and stale["errors"][0]["code"] == "STALE_PLAN"
    assert f"version {first['version']}" in stale["errors"][0]["message"]
    assert f"version {newer['version']} is in force" in stale["errors"][0]["message"]
    _sound(db)


async def test_a_small_replan_goes_into_force_alone_when_the_policy_allows(
    db: Engine, db_url: str, rules_dir: Path, pinned_clock: None,
) -> None:
    """Input: capacity_policy.yaml's plan_approval raised to 1000 changes and 1000 broken promises; the same
    holiday replan that made a draft under the shipped policy goes into force alone and tells the moved orders."""
    policy = rules_dir / "capacity_policy.yaml"
    text = policy.read_text()
    assert "plan_approval: {max_changes: 20, max_broken_promises: 0}" in text
    policy.write_text(text.replace("plan_approval: {max_changes: 20, max_broken_promises: 0}",
                                   "plan_approval: {max_changes: 1000, max_broken_promises: 1000}")
                      .replace("plan_approval_max_changes: 20, plan_approval_max_broken_promises: 0",
                               "plan_approval_max_changes: 1000, plan_approval_max_broken_promises: 1000"))
    async for plant in _serve(db, db_url, rules_dir):
        first = await _replan(plant)
        line_id = _holiday(db, MONDAY)
        promised = _promised(db, line_id, MONDAY)
        clock.pin(SATURDAY)
        async with connected(plant.app, {"Authorization": f"Bearer {plant.keys['viewer']}"}) as ws:
            await subscribe(ws, "subscription { planPublished { version status inForce } }")
            await _listening(plant.app, PLANS)
            alone = await _replan(plant)
            message = await ws.receive_json(timeout=10)
        assert alone["plan"]["status"] == "IN_FORCE" and alone["plan"]["approvals"] == []
        assert message["payload"]["data"]["planPublished"] == {
            "version": alone["plan"]["version"], "status": "IN_FORCE", "inForce": True}
        assert alone["plan"]["basedOn"] == first["plan"]["id"]
        assert _promised(db, line_id, MONDAY) < promised
        diff = await plant.client(DIFF, {"from": first["plan"]["id"]}, key=plant.keys["viewer"])
        assert diff["data"]["planDiff"]["brokenPromises"]
        _sound(db)
