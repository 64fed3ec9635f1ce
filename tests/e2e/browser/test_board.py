"""The board in headless Chromium on the small demo plant: key, heatmap, order board, quote, KPIs, live feed."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import update

from domain.api_keys import create_api_key
from domain.db import session_scope
from domain.models import ApiKey
from domain.models.base import utcnow
from tests.dbutil import sync_engine
from tests.e2e.browser.conftest import Demo, screenshot

INCIDENT = """mutation Incident($input: IncidentInput!) {
  reportIncident(input: $input) { alerts { id kind } errors { code message } }
}"""
TIMEOUT_MS = 30_000


def sign_in(page: Any, demo: Demo, role: str) -> None:
    page.fill("#api-key", demo.keys[role])
    page.press("#api-key", "Enter")
    page.wait_for_selector("body[data-state=loaded]", timeout=TIMEOUT_MS)


def test_viewer_sees_heatmap_orders_kpis_and_a_live_alert_then_a_planner_quotes(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.url}/board/")
    sign_in(page, demo, "viewer")
    assert page.evaluate("sessionStorage.getItem('sop.apiKey')") == demo.keys["viewer"]

    cells = page.locator('[data-testid="heatmap-cell"]')
    assert cells.count() >= 5 * 8  # the small plant's lines x 8 weeks
    first = cells.first
    assert first.get_attribute("data-line") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", first.get_attribute("data-week"))
    assert float(first.get_attribute("data-utilization")) >= 0
    assert page.locator(".heatmap th.frozen").count() >= 1, "the frozen window is marked"
    orders = page.locator('[data-testid="order-card"]')
    assert orders.count() > 0 and orders.first.get_attribute("data-code").startswith("SO-")
    assert page.locator('[data-testid="kpi-card"]').count() == 13
    assert page.locator('[data-testid="kpi-card"] polyline').count() >= 1, "a weekly trend is drawn"
    screenshot(page, "board-viewer")

    assert {t.get_attribute("data-team") for t in page.locator(".scorecard").all()} == {"SALES", "PRODUCTION"}

    # Keyboard: arrows move between cells; a cell is a button: Enter opens its plan items and orders, Escape closes.
    first.focus()
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("[document.activeElement.dataset.line, document.activeElement.dataset.week]")
    assert focused == [first.get_attribute("data-line"), cells.nth(1).get_attribute("data-week")]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.line") != first.get_attribute("data-line")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail-body >> text=Plan items", timeout=TIMEOUT_MS)
    plan_rows = page.locator("#detail-body table").first.locator("tbody tr")
    assert plan_rows.count() >= 1, page.inner_text("#detail-body")
    assert "Orders promised this week" in page.inner_text("#detail-body")
    page.keyboard.press("Escape")
    assert page.locator("#detail").is_hidden()

    # An order card (of a reviewed, scheduled order) opens its review (criteria, figures, fired rules) and history.
    page.locator('[data-testid="order-card"][data-status="SCHEDULED"]').first.click()
    page.wait_for_selector("#detail-body >> text=History", timeout=TIMEOUT_MS)
    detail = page.inner_text("#detail-body")
    for shown in ("Decision:", "CAPACITY", "MATERIAL", "TECHNOLOGY", "MARGIN", "Rules that fired", "gross margin"):
        assert shown in detail, (shown, detail)
    screenshot(page, "board-order-detail")

    # Live feed: an incident reported through the API arrives as an alert.
    page.wait_for_selector("#live-status[data-state=connected]", timeout=TIMEOUT_MS)
    line = first.get_attribute("data-line")
    answer = demo.server.graphql(INCIDENT, {"input": {"kind": "EQUIPMENT_FAILURE", "lineCode": line, "hours": 4,
                                                      "message": "browser test: spindle stopped"}}, demo.keys["mes"])
    assert answer["reportIncident"]["errors"] == []
    alert = page.wait_for_selector('[data-testid="live-event"][data-kind="alert"][data-alert-kind="INCIDENT"]',
                                   timeout=TIMEOUT_MS)
    assert "spindle stopped" in alert.inner_text()
    screenshot(page, "board-live-alert")

    # A viewer may not quote: the form says so instead of failing silently.
    page.click("#quote-form button[type=submit]")
    page.wait_for_selector('[data-testid="quote-result"][data-state="refused"]', timeout=TIMEOUT_MS)
    assert "FORBIDDEN" in page.inner_text('[data-testid="quote-result"]')
    assert "partner or planner" in page.inner_text('[data-testid="quote-result"]')

    # The planner's key may quote: the decision and its reasons appear.
    sign_in(page, demo, "planner")
    page.click("#quote-form button[type=submit]")
    result = page.wait_for_selector('[data-testid="quote-result"][data-state="done"]', timeout=TIMEOUT_MS)
    text = result.inner_text()
    assert re.search(r"Decision: (ACCEPT|PROPOSE_DATE|SPLIT|REJECT)", text), text
    assert "CAPACITY" in text and "MATERIAL" in text
    screenshot(page, "board-quote")
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


def test_key_in_fragment_is_taken_and_removed_from_the_address(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.url}/board/#key={demo.keys['viewer']}")
    page.wait_for_selector("body[data-state=loaded]", timeout=TIMEOUT_MS)
    assert "key=" not in page.url and page.evaluate("location.hash") == ""
    assert page.evaluate("sessionStorage.getItem('sop.apiKey')") == demo.keys["viewer"]
    assert page.locator('[data-testid="heatmap-cell"]').count() > 0


def test_a_bad_key_gets_a_clear_message(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.url}/board/#key=sop_not_a_real_key")
    page.wait_for_selector("body[data-state=key-refused]", timeout=TIMEOUT_MS)
    message = page.inner_text("#message")
    assert "refused" in message and "Enter another key" in message, message
    assert page.evaluate("sessionStorage.getItem('sop.apiKey')") is None
    assert page.locator('[data-testid="heatmap-cell"]').count() == 0
    screenshot(page, "board-bad-key")


def test_live_feed_reconnects_after_a_lost_connection_with_a_notice(page: Any, demo: Demo) -> None:
    page.goto(f"{demo.url}/board/#key={demo.keys['viewer']}")
    page.wait_for_selector("#live-status[data-state=connected]", timeout=TIMEOUT_MS)
    demo.server.stop()  # every websocket drops
    page.wait_for_selector("#live-status[data-state=lost]", timeout=TIMEOUT_MS)
    assert "connection lost" in page.inner_text("#live-status")
    screenshot(page, "board-connection-lost")
    demo.server.start()
    page.wait_for_selector("#live-status[data-state=connected]", timeout=TIMEOUT_MS)
    assert "connected again" in page.inner_text("#live-status")
    # The new connection carries events again.
    answer = demo.server.graphql(INCIDENT, {"input": {"kind": "EQUIPMENT_FAILURE", "lineCode": "L01", "hours": 1,
                                                      "message": "after reconnect"}}, demo.keys["mes"])
    assert answer["reportIncident"]["errors"] == []
    page.wait_for_selector('[data-testid="live-event"] >> text=after reconnect', timeout=TIMEOUT_MS)


def test_a_key_revoked_while_the_board_is_open_stops_the_live_feed_with_a_message(
    page: Any, demo: Demo, db_url: str
) -> None:
    engine = sync_engine(db_url)
    try:
        with session_scope(engine) as session:
            key = create_api_key(session, "viewer", "board-revoked-test")
        page.goto(f"{demo.url}/board/#key={key}")
        page.wait_for_selector("#live-status[data-state=connected]", timeout=TIMEOUT_MS)
        with session_scope(engine) as session:
            session.execute(update(ApiKey).where(ApiKey.name == "board-revoked-test").values(revoked_at=utcnow()))
    finally:
        engine.dispose()
    demo.server.restart()  # the feed reconnects, and its connection_init is refused now
    page.wait_for_selector("body[data-state=key-refused]", timeout=TIMEOUT_MS)
    assert "refused" in page.inner_text("#message") and "Enter another key" in page.inner_text("#message")
    assert "key was refused" in page.inner_text("#live-status")
    assert page.evaluate("sessionStorage.getItem('sop.apiKey')") is None
