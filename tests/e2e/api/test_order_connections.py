"""Order.historyConnection and Order.feedbackConnection page an order's growing lists; `history` stays whole."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.models import Feedback, FeedbackKind, Order
from tests.e2e.api.conftest import GraphQLClient, Plant

HISTORY = """query($code: String!, $first: Int, $after: String) { order(code: $code) {
  history { message }
  historyConnection(first: $first, after: $after) {
    totalCount edges { cursor node { orderCode kind message } } pageInfo { hasNextPage endCursor }
  }
} }"""
FEEDBACK = """query($code: String!, $first: Int, $after: String) { order(code: $code) {
  feedback { message }
  feedbackConnection(first: $first, after: $after) {
    totalCount edges { node { orderCode message } } pageInfo { hasNextPage endCursor }
  }
} }"""


def seed(db: Engine) -> None:
    """Five notes in ORD-0-1's history and three pieces of feedback on it; one of each on ORD-1-1."""
    with session_scope(db) as s:
        orders = {o.code: o for o in s.scalars(select(Order).where(Order.code.in_(["ORD-0-1", "ORD-1-1"])))}
        for i in range(5):
            record_order_event(s, orders["ORD-0-1"], kinds.FEEDBACK, actor="viewer:test", message=f"event {i}")
        record_order_event(s, orders["ORD-1-1"], kinds.FEEDBACK, actor="viewer:test", message="other order")
        for i, code in enumerate(["ORD-0-1", "ORD-1-1", "ORD-0-1", "ORD-0-1"]):
            s.add(Feedback(order_id=orders[code].id, kind=FeedbackKind.REQUIREMENT, message=f"note {i}",
                           status="OPEN"))


async def walk(gql: GraphQLClient, query: str, field: str, key: str | None = None) -> tuple[list[str], list[int], Any]:
    """Every message of ORD-0-1's connection `field`, two a page; each page's totalCount; the whole-list field."""
    messages: list[str] = []
    totals: list[int] = []
    after = None
    while True:
        body = await gql(query, {"code": "ORD-0-1", "first": 2, "after": after}, key)
        assert "errors" not in body, body
        order = body["data"]["order"]
        page = order[field]
        assert {e["node"]["orderCode"] for e in page["edges"]} <= {"ORD-0-1"}
        messages += [e["node"]["message"] for e in page["edges"]]
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            return messages, totals, order
        after = page["pageInfo"]["endCursor"]


async def test_history_pages_forward_and_the_whole_list_stays(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db)
    messages, totals, order = await walk(gql, HISTORY, "historyConnection")
    ours = [m for m in messages if m and m.startswith("event ")]
    assert ours == [f"event {i}" for i in range(5)]  # oldest first, each once, none of ORD-1-1's
    assert len(set(totals)) == 1 and totals[0] == len(messages) and len(totals) == (len(messages) + 1) // 2
    # the contract's `history` is still the whole list, the same events in the same order
    assert [h["message"] for h in order["history"]] == messages


async def test_feedback_pages_forward_for_the_partner_too(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db)
    # ORD-0-1 belongs to the partner's customer: the partner may page it (a new field is refused by default)
    for key in (None, plant.keys["partner"]):
        messages, totals, order = await walk(gql, FEEDBACK, "feedbackConnection", key)
        assert messages == ["note 0", "note 2", "note 3"] and totals == [3, 3]
        assert [f["message"] for f in order["feedback"]] == messages


async def test_a_bad_page_size_or_a_cursor_of_another_list_is_refused(
    db: Engine, gql: GraphQLClient, plant: Plant
) -> None:
    # tried: first -1, and the orders list's cursor as `after` of an order's history
    alone = ('query($a: String, $f: Int) { order(code: "ORD-0-1") { historyConnection(first: $f, after: $a) '
             '{ totalCount } } }')
    body = await gql(alone, {"f": -1})
    assert "must be between 0 and" in body["errors"][0]["message"]
    assert body["data"]["order"] == {"historyConnection": None}  # the field alone: the order still answers
    orders = await gql("{ orders(first: 1) { pageInfo { endCursor } } }")
    cursor = orders["data"]["orders"]["pageInfo"]["endCursor"]
    body = await gql(alone, {"f": 2, "a": cursor})
    assert "another list" in body["errors"][0]["message"]
