"""The orders page preloads the children a query selects: same answers as the per-order path, same statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from domain.db import session_scope
from domain.models import Order, OrderReview, ReviewDecision
from tests.e2e.api.conftest import GraphQLClient, Plant

CHILDREN = """customer { code name tier } lines { quantity unitPrice product { sku name } }
  review { decision rulesVersion proposedDate criteria { criterion passed message } }"""
# The children asked through a named fragment, an inline fragment and an alias: the look-ahead must see them all.
PAGE_THROUGH_FRAGMENTS = """
fragment Who on Order { customer { code name tier } }
query { orders(first: 10) { edges { node { code ...Who ... on Order { lines { quantity unitPrice
  item: product { sku name } } } latest: review { decision rulesVersion proposedDate
  criteria { criterion passed message } } } } } }
"""


def add_review(db: Engine, code: str) -> None:
    with session_scope(db) as s:
        order_id = s.scalar(select(Order.id).where(Order.code == code))
        s.add(OrderReview(
            order_id=order_id, decision=ReviewDecision.PROPOSE_DATE, rules_version="v7", facts={},
            criteria=[{"criterion": "CAPACITY", "passed": False, "message": "line L1 full in week 12"}],
            fired_rules=[], proposed_date=date(2025, 3, 20), proposed_deliveries=[],
        ))


async def test_page_children_match_the_single_order_path(db: Engine, gql: GraphQLClient, plant: Plant) -> None:
    """Tried: a page of 6 orders (one reviewed) against order(code) of each, which loads through DataLoaders."""
    add_review(db, "ORD-1-2")
    page = await gql(f"{{ orders(first: 10) {{ edges {{ node {{ code {CHILDREN} }} }} }} }}")
    assert "errors" not in page, page
    nodes = [edge["node"] for edge in page["data"]["orders"]["edges"]]
    assert len(nodes) == 6
    for node in nodes:
        single = await gql(f'{{ order(code: "{node["code"]}") {{ code {CHILDREN} }} }}')
        assert single["data"]["order"] == node
    reviewed = next(n for n in nodes if n["code"] == "ORD-1-2")
    assert reviewed["review"] == {"decision": "PROPOSE_DATE", "rulesVersion": "v7", "proposedDate": "2025-03-20",
                                  "criteria": [{"criterion": "CAPACITY", "passed": False,
                                                "message": "line L1 full in week 12"}]}
    assert [n["review"] for n in nodes if n["code"] != "ORD-1-2"] == [None] * 5


async def test_fragments_and_aliases_are_preloaded_too(
    db: Engine, gql: GraphQLClient, plant: Plant, statements: list[str]
) -> None:
    """Tried: the same children through fragments and aliases; the statements are those of the plain page."""
    add_review(db, "ORD-0-1")
    await gql("{ orders(first: 1) { totalCount } }")  # the key's first use writes its last_used_at: not counted
    statements.clear()
    plain = await gql(f"{{ orders(first: 10) {{ edges {{ node {{ code {CHILDREN} }} }} }} }}")
    plain_statements = len(statements)
    statements.clear()
    body = await gql(PAGE_THROUGH_FRAGMENTS)
    assert "errors" not in body, body
    assert len(statements) == plain_statements, statements
    for left, right in zip(plain["data"]["orders"]["edges"], body["data"]["orders"]["edges"], strict=True):
        node = right["node"]
        assert node["customer"] == left["node"]["customer"]
        assert node["latest"] == left["node"]["review"]
        renamed = [{"quantity": ln["quantity"], "unitPrice": ln["unitPrice"], "product": ln["item"]}
                   for ln in node["lines"]]
        assert renamed == left["node"]["lines"]


async def test_children_not_selected_are_not_read(gql: GraphQLClient, plant: Plant, statements: list[str]) -> None:
    """Tried: a page of codes only; no statement reads lines, reviews, customers or products."""
    body = await gql("{ orders(first: 10) { edges { node { code } } } }")
    assert len(body["data"]["orders"]["edges"]) == 6
    children = ("order_lines", "order_reviews", "FROM customers", "FROM products")
    assert not [s for s in statements if any(table in s for table in children)], statements
