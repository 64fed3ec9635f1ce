"""What one createOrder sends to PostgreSQL through the API, counted in round trips on every connection of the
process (the broker's too): each round trip is some 0.1-0.2 ms of Python on the server (issue 15 item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import psycopg._cursor_base
import psycopg.generators
from starlette.applications import Starlette

from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.orders.conftest import Shop
from tests.e2e.orders.test_master_data_cache import CREATE, order


@contextmanager
def round_trips() -> Iterator[list[int]]:
    """One entry per message psycopg sends and whose answers it reads (its `execute` generator), on any connection."""
    seen: list[int] = []
    execute = psycopg.generators.execute

    def counted(pgconn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(1)
        return execute(pgconn, *args, **kwargs)

    with mock.patch.object(psycopg.generators, "execute", counted), \
            mock.patch.object(psycopg._cursor_base, "execute", counted):
        yield seen


async def test_an_accepted_create_costs_six_round_trips_its_notify_included(
    app: Starlette, gql: GraphQLClient, shop: Shop
) -> None:
    """Input tried: three orders of 10 W-1 in six weeks (accepted, made), the third counted. On PostgreSQL: BEGIN,
    sign-in, the product reads, the ledger and forecast reads (one message), the order's rows with the products'
    lock and count (one message), and the commit's message: reservations, production order, ledger UPDATE, COMMIT
    and, after it, the CREATED event's NOTIFY (7 before: the NOTIFY went on the broker's connection after the
    commit). SQLite runs no psycopg."""
    for code in ("TRIP-0", "TRIP-1"):  # the first records the key's use in a session of its own; caches warm
        first = await gql(CREATE, order(code))
        assert first["data"]["createOrder"]["errors"] == [], first
    with round_trips() as seen:
        answer = await gql(CREATE, order("TRIP-2"))
    assert answer["data"]["createOrder"]["order"]["status"] == "ACCEPTED", answer
    expected = 6 if app.state.engine.dialect.name == "postgresql" else 0
    assert len(seen) == expected, len(seen)
