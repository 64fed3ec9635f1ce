"""A page of orders with customer, lines and products costs a constant number of SQL statements."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from domain.db import session_scope
from tests.e2e.api.conftest import GraphQLClient
from tests.factories import make_api_key, make_customer, make_order, make_product

PAGE = """
{ orders(first: 100) {
    edges { node { code customer { code name } lines { quantity product { sku name } } } }
    pageInfo { hasNextPage endCursor }
} }
"""


def seed(db: Engine, orders: int, start: int) -> str:
    """`orders` orders of 3 lines each over 7 customers and 11 products; returns a viewer key."""
    with session_scope(db) as s:
        customers = [make_customer(s) for _ in range(7)]
        products = [make_product(s) for _ in range(11)]
        for i in range(orders):
            lines = [(products[(i + k) % len(products)], 1 + k, None) for k in range(3)]
            make_order(s, customers[i % len(customers)], code=f"Q{start + i:05d}", lines=lines)
        return make_api_key(s, "viewer")


async def count_page(client: httpx.AsyncClient, key: str, statements: list[str]) -> tuple[int, int]:
    statements.clear()
    body = await GraphQLClient(client, key)(PAGE)
    assert "errors" not in body, body
    return len(body["data"]["orders"]["edges"]), len(statements)


async def test_statements_per_page_do_not_grow_with_the_page(
    db: Engine, client: httpx.AsyncClient, statements: list[str]
) -> None:
    key = seed(db, 10, 0)
    await count_page(client, key, statements)  # the key's first use writes its last_used_at: not the page's cost
    shown_10, cost_10 = await count_page(client, key, statements)
    seed(db, 90, 10)
    shown_100, cost_100 = await count_page(client, key, statements)
    assert (shown_10, shown_100) == (10, 100)
    # Auth lookup, the page, customers, lines, products: the same for 10 and for 100 orders.
    assert cost_10 == cost_100, statements
    assert cost_100 <= 6, statements
