"""Query.feedback is a Relay connection: paged forward by cursor, counted, scoped to the partner's customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.models import Feedback, FeedbackKind, Order
from tests.e2e.api.conftest import GraphQLClient, Plant

PAGE = """query($first: Int, $after: String, $open: Boolean) { feedback(first: $first, after: $after, open: $open) {
  totalCount edges { cursor node { orderCode message } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} }"""


def seed(db: Engine) -> None:
    """Five pieces of feedback: three on ORD-0-1 (the partner's customer), two on ORD-1-1; the last one handled."""
    with session_scope(db) as s:
        orders = {o.code: o for o in s.scalars(select(Order).where(Order.code.in_(["ORD-0-1", "ORD-1-1"])))}
        for i, code in enumerate(["ORD-0-1", "ORD-1-1", "ORD-0-1", "ORD-1-1", "ORD-0-1"]):
            s.add(Feedback(order_id=orders[code].id, kind=FeedbackKind.REQUIREMENT, message=f"note {i}",
                           status="RESOLVED" if i == 4 else "OPEN"))


async def walk(gql: GraphQLClient, key: str | None = None, **variables: Any) -> tuple[list[str], list[int]]:
    """Every message page by page (two a page), and each page's totalCount."""
    messages: list[str] = []
    totals: list[int] = []
    after = None
    while True:
        body = await gql(PAGE, {"first": 2, "after": after, **variables}, key)
        assert "errors" not in body, body
        page = body["data"]["feedback"]
        messages += [e["node"]["message"] for e in page["edges"]]
        totals.append(page["totalCount"])
        info = page["pageInfo"]
        assert info["hasPreviousPage"] is False
        assert info["startCursor"] == page["edges"][0]["cursor"] and info["endCursor"] == page["edges"][-1]["cursor"]
        if not info["hasNextPage"]:
            return messages, totals
        after = info["endCursor"]


async def test_feedback_pages_forward_oldest_first(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    # Before, feedback was a plain list cut at `first` with no way to reach the rest.
    seed(db)
    assert await walk(gql) == ([f"note {i}" for i in range(5)], [5, 5, 5])
    assert await walk(gql, open=True) == ([f"note {i}" for i in range(4)], [4, 4])


async def test_a_partner_pages_its_own_customers_feedback_only(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db)
    assert await walk(gql, plant.keys["partner"]) == (["note 0", "note 2", "note 4"], [3, 3])


async def test_a_cursor_of_another_list_is_refused(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    seed(db)
    orders = await gql("{ orders(first: 1) { pageInfo { endCursor } } }")
    body = await gql(PAGE, {"first": 2, "after": orders["data"]["orders"]["pageInfo"]["endCursor"]})
    assert body["data"] is None or body["data"]["feedback"] is None
    assert "another list" in body["errors"][0]["message"]
