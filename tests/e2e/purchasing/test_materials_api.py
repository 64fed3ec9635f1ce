"""materials and recordMaterialReceipt through GraphQL on both databases (issue 16 item 3, R9/R10)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain import clock
from domain.models import Material, MaterialReceipt
from tests.e2e.purchasing.conftest import EXPECTED, LEAD_DAYS, ON_HAND, PER_UNIT, Purchasing

REPLAN = """mutation { replan(input: {horizonWeeks: 4}) { plan { version } errors { code message } } }"""
MATERIALS = """query($short: Boolean) { materials(shortOnly: $short) { totalCount edges { node {
  code unit onHand leadTimeDays short receiptsDue { date quantity } weeks { week need receipts balance }
  shortages { week quantity orderBy overdue } purchaseSuggestions { quantity orderBy neededBy arrives late } } } } }"""
RECEIVE = """mutation($input: MaterialReceiptInput!) { recordMaterialReceipt(input: $input) {
  material { code onHand short receiptsDue { date quantity } }
  receipt { id materialCode quantity receivedOn receivedBy } closedAlerts { id kind open }
  stillShort replayed errors { code field message } } }"""
OPEN_ALERTS = "{ alerts(open: true) { edges { node { id kind message } } } }"


async def _replanned(p: Purchasing) -> None:
    answer = await p.gql(REPLAN, key=p.keys["planner"])
    assert answer["data"]["replan"]["errors"] == [], answer


async def _m1(p: Purchasing) -> dict[str, Any]:
    nodes = [e["node"] for e in (await p.gql(MATERIALS, {"short": None}))["data"]["materials"]["edges"]]
    return next(n for n in nodes if n["code"] == "M-1")


async def _material_alerts(p: Purchasing) -> list[dict[str, Any]]:
    edges = (await p.gql(OPEN_ALERTS))["data"]["alerts"]["edges"]
    return [e["node"] for e in edges if e["node"]["kind"] == "MATERIAL"]


def _receive(p: Purchasing, quantity: float, key: str | None = None, code: str = "M-1",
             on: date | None = None) -> dict[str, Any]:
    return {"input": {"materialCode": code, "quantity": quantity, "receivedOn": (on or clock.today()).isoformat(),
                      "idempotencyKey": key}}


def _stored(db: Engine) -> tuple[float, int]:
    with Session(db) as s:
        on_hand = s.scalar(select(Material.on_hand).where(Material.code == "M-1"))
        return float(on_hand or 0.0), int(s.scalar(select(func.count()).select_from(MaterialReceipt)) or 0)


async def test_materials_show_the_plans_needs_balance_shortages_and_purchase_suggestions(
    purchasing: Purchasing,
) -> None:
    """The plan needs PER_UNIT of M-1 per SKU-0; with ON_HAND and EXPECTED it runs short; M-2 is needed by nothing."""
    await _replanned(purchasing)
    short = (await purchasing.gql(MATERIALS, {"short": True}))["data"]["materials"]
    assert short["totalCount"] == 1 and [e["node"]["code"] for e in short["edges"]] == ["M-1"]
    m1 = short["edges"][0]["node"]
    assert m1["onHand"] == ON_HAND and m1["leadTimeDays"] == LEAD_DAYS and m1["short"]
    assert [r["quantity"] for r in m1["receiptsDue"]] == [EXPECTED]
    needs = sum(w["need"] for w in m1["weeks"])
    assert needs > ON_HAND + EXPECTED  # the plan makes SKU-0 for its orders and forecasts
    assert sum(w["receipts"] for w in m1["weeks"]) == EXPECTED
    assert m1["weeks"][-1]["balance"] == ON_HAND + EXPECTED - needs
    deficit = needs - ON_HAND - EXPECTED
    assert abs(sum(s["quantity"] for s in m1["shortages"]) - deficit) < 1e-6
    assert abs(sum(s["quantity"] for s in m1["purchaseSuggestions"]) - deficit) < 1e-6
    for shortage in m1["shortages"]:
        assert date.fromisoformat(shortage["orderBy"]) == date.fromisoformat(shortage["week"]) - timedelta(
            days=LEAD_DAYS)
    today = clock.today()
    for suggestion in m1["purchaseSuggestions"]:
        assert date.fromisoformat(suggestion["orderBy"]) >= today
        assert date.fromisoformat(suggestion["arrives"]) == date.fromisoformat(suggestion["orderBy"]) + timedelta(
            days=LEAD_DAYS)
    every = (await purchasing.gql(MATERIALS, {"short": False}))["data"]["materials"]
    assert every["totalCount"] == 2
    m2 = next(e["node"] for e in every["edges"] if e["node"]["code"] == "M-2")
    assert not m2["short"] and m2["shortages"] == [] and m2["purchaseSuggestions"] == []
    assert all(w["need"] == 0 and w["balance"] == 500.0 for w in m2["weeks"])
    items = (await purchasing.gql("{ plan { items { sku quantity week } } }"))["data"]["plan"]["items"]
    first_week = date.fromisoformat(m1["weeks"][0]["week"])
    planned = sum(i["quantity"] for i in items if i["sku"] == "SKU-0" and date.fromisoformat(i["week"]) >= first_week)
    assert abs(needs - PER_UNIT * planned) < 1e-6  # the BOM explosion of the plan in force


async def test_a_receipt_that_covers_the_shortage_closes_its_alert_and_consumes_the_expected_receipt(
    purchasing: Purchasing, db: Engine,
) -> None:
    """A part receipt leaves the alert open; the rest closes it; M-1's expected 30 is consumed by the first."""
    await _replanned(purchasing)
    [alert] = await _material_alerts(purchasing)
    assert "M-1" in alert["message"]
    deficit = -min(w["balance"] for w in (await _m1(purchasing))["weeks"])
    part = await purchasing.gql(RECEIVE, _receive(purchasing, EXPECTED + 5.0), key=purchasing.keys["purchasing"])
    payload = part["data"]["recordMaterialReceipt"]
    assert payload["errors"] == [] and payload["stillShort"] and payload["closedAlerts"] == []
    assert payload["material"]["onHand"] == ON_HAND + EXPECTED + 5.0
    assert payload["material"]["receiptsDue"] == []  # the 30 expected were these
    assert payload["receipt"]["receivedBy"].startswith("purchasing:")
    assert [a["id"] for a in await _material_alerts(purchasing)] == [alert["id"]]
    rest = await purchasing.gql(RECEIVE, _receive(purchasing, deficit), key=purchasing.keys["purchasing"])
    payload = rest["data"]["recordMaterialReceipt"]
    assert payload["errors"] == [] and not payload["stillShort"] and not payload["material"]["short"]
    assert [(a["id"], a["open"]) for a in payload["closedAlerts"]] == [(alert["id"], False)]
    assert await _material_alerts(purchasing) == []
    assert _stored(db)[0] == ON_HAND + EXPECTED + 5.0 + deficit


async def test_a_part_receipt_reduces_the_expected_one(purchasing: Purchasing) -> None:
    """12 of the 30 expected come in: 18 stay due."""
    answer = await purchasing.gql(RECEIVE, _receive(purchasing, 12.0), key=purchasing.keys["purchasing"])
    assert answer["data"]["recordMaterialReceipt"]["material"]["receiptsDue"][0]["quantity"] == EXPECTED - 12.0


async def test_the_same_idempotency_key_gives_the_first_answer_and_another_body_a_mismatch(
    purchasing: Purchasing, db: Engine,
) -> None:
    """Key K with 40 twice (one receipt, on hand up once), then K with 41 (IDEMPOTENCY_MISMATCH, nothing written)."""
    key = purchasing.keys["purchasing"]
    first = (await purchasing.gql(RECEIVE, _receive(purchasing, 40.0, "K"), key=key))["data"]["recordMaterialReceipt"]
    after_first = _stored(db)
    again = (await purchasing.gql(RECEIVE, _receive(purchasing, 40.0, "K"), key=key))["data"]["recordMaterialReceipt"]
    assert again["errors"] == [] and again["replayed"] and not first["replayed"]
    assert again["receipt"] == first["receipt"]
    assert _stored(db) == after_first == (ON_HAND + 40.0, 2)
    other = (await purchasing.gql(RECEIVE, _receive(purchasing, 41.0, "K"), key=key))["data"]["recordMaterialReceipt"]
    assert other["material"] is None
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("IDEMPOTENCY_MISMATCH", ["idempotencyKey"])]
    assert _stored(db) == after_first


async def test_bad_input_names_the_field_and_writes_nothing(purchasing: Purchasing, db: Engine) -> None:
    """Tried: an unknown material, quantity 0, -5 and NaN-like huge, a receipt dated tomorrow, an empty key."""
    key = purchasing.keys["purchasing"]
    before = _stored(db)
    cases = [
        (_receive(purchasing, 5.0, code="NOPE"), "NOT_FOUND", ["materialCode"]),
        (_receive(purchasing, 0.0), "INVALID", ["quantity"]),
        (_receive(purchasing, -5.0), "INVALID", ["quantity"]),
        (_receive(purchasing, 1e12), "INVALID", ["quantity"]),
        (_receive(purchasing, 5.0, on=clock.today() + timedelta(days=1)), "INVALID", ["receivedOn"]),
        (_receive(purchasing, 5.0, key=" "), "INVALID", ["idempotencyKey"]),
    ]
    for variables, code, field in cases:
        payload = (await purchasing.gql(RECEIVE, variables, key=key))["data"]["recordMaterialReceipt"]
        assert payload["material"] is None and payload["receipt"] is None, variables
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], variables
    assert _stored(db) == before


async def test_who_may_read_and_record(purchasing: Purchasing, db: Engine) -> None:
    """A planner and a viewer may read but not record; a partner may do neither (FORBIDDEN, no data)."""
    for role in ("viewer", "planner", "purchasing"):
        assert (await purchasing.gql(MATERIALS, {}, key=purchasing.keys[role]))["data"]["materials"]["totalCount"] == 2
    for role in ("viewer", "planner"):
        payload = (await purchasing.gql(RECEIVE, _receive(purchasing, 5.0), key=purchasing.keys[role]))["data"]
        assert payload["recordMaterialReceipt"]["errors"][0]["code"] == "FORBIDDEN"
    for query, variables in ((MATERIALS, {}), (RECEIVE, _receive(purchasing, 5.0))):
        refused = await purchasing.gql(query, variables, key=purchasing.keys["partner"])
        assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _stored(db) == (ON_HAND, 1)
