"""Through GraphQL: an imported order the rules would reject shows its review and an ORDER_REVIEW alert; once sales
change it (updateOrder, reviewed again and accepted) the alert is closed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.e2e.api.conftest import GraphQLClient, serving
from tests.e2e.plant_data.test_import_example import sop
from tests.factories import make_api_key
from tests.integration.plant_data.test_import_refused import broken_copy

READ = """query { order(code: "SO-1003") { version status
  review { decision rulesVersion criteria { criterion passed message } } }
  alerts(open: true) { edges { node { kind orderCode message } } } }"""
UPDATE = """mutation($input: UpdateOrderInput!) { updateOrder(input: $input) {
  order { status version review { decision } } errors { code message } } }"""


async def test_a_flagged_import_shows_its_review_and_loses_its_alert_once_changed(db: Engine, db_url: str,
                                                                                  tmp_path: Path) -> None:
    """Input: the example plant with SO-1003 priced below cost (40.00 for a PUMP-S costing 42.50) and due in five
    weeks; then updateOrder with the list price (79.00)."""
    today = date.today()
    due = (today + timedelta(weeks=5)).isoformat()
    folder = broken_copy(tmp_path, {"orders": ("SO-1003,GAMMA,2026-12-16,PUMP-S,40,\n",
                                               f"SO-1003,GAMMA,{due},PUMP-S,40,40.00\n")})
    imported = sop(["import", str(folder), "--today", today.isoformat()], db_url)
    assert imported.exit_code == 0 and "SO-1003: would REJECT" in imported.output, imported.output
    with Session(db) as session:
        key = make_api_key(session, "planner")
        session.commit()
    async with serving(db_url) as app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                        base_url="http://test") as http:
        client = GraphQLClient(http, key)
        body = await client(READ)
        order = body["data"]["order"]
        assert order["status"] == "ACCEPTED" and order["review"]["decision"] == "REJECT"
        assert {c["criterion"]: c["passed"] for c in order["review"]["criteria"]}["MARGIN"] is False
        flagged = [a["node"] for a in body["data"]["alerts"]["edges"] if a["node"]["kind"] == "ORDER_REVIEW"]
        assert [a["orderCode"] for a in flagged if a["orderCode"] == "SO-1003"] == ["SO-1003"]
        changed = await client(UPDATE, {"input": {"code": "SO-1003", "expectedVersion": order["version"],
                                                  "lines": [{"sku": "PUMP-S", "quantity": 40, "unitPrice": "79.00"}]}})
        assert changed.get("data") and changed["data"]["updateOrder"]["errors"] == [], changed
        assert changed["data"]["updateOrder"]["order"]["review"]["decision"] == "ACCEPT"
        after = await client(READ)
        still = [a["node"]["orderCode"] for a in after["data"]["alerts"]["edges"]
                 if a["node"]["kind"] == "ORDER_REVIEW"]
        assert "SO-1003" not in still
        assert after["data"]["order"]["review"]["decision"] == "ACCEPT"
