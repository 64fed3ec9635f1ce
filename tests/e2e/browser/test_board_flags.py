"""The board's marks follow the API: rush, at-risk and late flags, the frozen window, over-loaded cells highlighted."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from tests.e2e.browser.conftest import Demo, screenshot

OPEN_STATUSES = ["RECEIVED", "PROPOSED", "ACCEPTED", "SCHEDULED", "IN_PRODUCTION", "IN_STOCK"]
FACTS = """query Facts($statuses: [OrderStatus!]) {
  orders(first: 500, filter: { status: $statuses }) { edges { node { code rush status promisedDate } } }
  alerts(first: 200, open: true) { edges { node { kind orderCode } } }
  plan { frozenUntil }
}"""


def operation(route: Any) -> str:
    body = route.request.post_data
    return "" if not body else str(json.loads(body).get("query", ""))


def test_flags_frozen_window_and_overload_follow_the_data(page: Any, demo: Demo) -> None:
    # The live plant re-promises instead of over-loading a line, and has no late order on the day it is
    # loaded: one answer of each kind is edited on its way to the page, so both marks have something to show.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    edited: dict[str, str] = {}

    def edit(route: Any) -> None:
        query = operation(route)
        if "BoardCapacity" not in query and "BoardOrders" not in query:
            route.continue_()
            return
        answer = route.fetch()
        body = answer.json()
        if "BoardCapacity" in query:
            cell = body["data"]["capacityLoad"][-1]
            cell["plannedHours"] = cell["capacityHours"] * 1.25
            cell["utilization"] = 1.25
            edited["cell"] = f"{cell['lineCode']}|{cell['week']}"
        elif "late" not in edited and body["data"]["orders"]["edges"]:
            order = next(e["node"] for e in body["data"]["orders"]["edges"] if e["node"]["status"] != "IN_STOCK")
            order["promisedDate"] = yesterday
            edited["late"] = order["code"]
        route.fulfill(response=answer, json=body)

    page.route("**/graphql", edit)
    page.goto(f"{demo.url}/board/#key={demo.keys['viewer']}")
    page.wait_for_selector("body[data-state=loaded]", timeout=30_000)

    line, week = edited["cell"].split("|")
    over = page.locator(f'[data-testid="heatmap-cell"][data-line="{line}"][data-week="{week}"]')
    assert over.get_attribute("data-over") == "true" and "over" in (over.get_attribute("class") or "").split()
    assert "OVER CAPACITY" in (over.get_attribute("aria-label") or "") and "⚠" in over.inner_text()
    assert page.locator('[data-testid="heatmap-cell"][data-over="true"]').count() == 1, "only the edited cell"

    facts = demo.server.graphql(FACTS, {"statuses": OPEN_STATUSES}, demo.keys["viewer"])
    frozen_until = facts["plan"]["frozenUntil"]
    for cell in page.locator('[data-testid="heatmap-cell"]').all():
        frozen = "frozen" in (cell.get_attribute("class") or "").split()
        assert frozen == (cell.get_attribute("data-week") <= frozen_until), cell.get_attribute("data-week")
        assert cell.locator(".bar .reserve").count() == 1, "the rush reserve is drawn in every cell"

    rush = {e["node"]["code"]: e["node"]["rush"] for e in facts["orders"]["edges"]}
    alerted = {e["node"]["orderCode"] for e in facts["alerts"]["edges"] if e["node"]["kind"] == "LATE_ORDER"}
    cards = page.locator('[data-testid="order-card"]').all()
    assert cards
    seen_at_risk = 0
    for card in cards:
        code = card.get_attribute("data-code")
        late = code == edited["late"]
        at_risk = not late and code in alerted
        for flag, expected in (("late", late), ("rush", rush[code]), ("at-risk", at_risk)):
            assert card.get_attribute(f"data-{flag}") == str(expected).lower(), (code, flag)
            assert card.locator(f".flag.{flag}").count() == int(expected), (code, flag)
        seen_at_risk += at_risk
    assert any(rush.values()) and seen_at_risk > 0, "the demo plant has rush and at-risk orders to show"
    page.locator(f'[data-testid="order-card"][data-code="{edited["late"]}"]').scroll_into_view_if_needed()
    screenshot(page, "board-flags")
