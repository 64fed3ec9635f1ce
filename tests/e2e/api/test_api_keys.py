"""A revoked or expired key is refused on its next request by every app on the database; last use is noted
at most once a minute per key."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import timedelta

import httpx
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from domain.access import authenticate_sync
from domain.api_keys import revoke_api_key, rotate_api_key
from domain.db import session_scope
from domain.models import ApiKey, utcnow
from tests.e2e.api.conftest import GraphQLClient, serving
from tests.factories import make_api_key

QUERY = "{ orders(first: 1) { totalCount } }"


async def _clients(stack: AsyncExitStack, db_url: str, count: int) -> list[GraphQLClient]:
    """`count` apps on the same database, as separate processes would be: each with its own engine and state."""
    clients = []
    for _ in range(count):
        app = await stack.enter_async_context(serving(db_url))
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test"))
        clients.append(GraphQLClient(http))
    return clients


async def _statuses(clients: list[GraphQLClient], key: str) -> list[int]:
    return [(await c.post(QUERY, key=key)).status_code for c in clients]


def _key_id(db: Engine, key: str) -> int:
    with Session(db) as session:
        principal = authenticate_sync(session, key)
        assert principal is not None
        return principal.key_id


async def test_a_key_revoked_while_two_apps_use_it_is_refused_by_both_on_the_next_request(
    db: Engine, db_url: str
) -> None:
    with session_scope(db) as s:
        key, other = make_api_key(s, "viewer"), make_api_key(s, "viewer")
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, db_url, 2)
        assert await _statuses(clients, key) == [200, 200]
        with session_scope(db) as s:
            revoke_api_key(s, str(_key_id(db, key)))
        for client in clients:
            refused = await client.post(QUERY, key=key)
            assert refused.status_code == 401
            assert refused.json() == {"data": None, "errors": [{"message": "invalid, revoked or expired API key",
                                                                "extensions": {"code": "UNAUTHENTICATED"}}]}
        assert await _statuses(clients, other) == [200, 200]


async def test_a_key_is_refused_once_it_expires(db: Engine, db_url: str) -> None:
    with session_scope(db) as s:
        key = make_api_key(s, "viewer")
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, db_url, 2)
        with session_scope(db) as s:
            s.execute(update(ApiKey).where(ApiKey.id == _key_id(db, key))
                      .values(expires_at=utcnow() + timedelta(minutes=5)))
        assert await _statuses(clients, key) == [200, 200]
        with session_scope(db) as s:
            s.execute(update(ApiKey).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert await _statuses(clients, key) == [401, 401]


async def test_a_rotated_key_works_through_its_grace_and_not_after(db: Engine, db_url: str) -> None:
    with session_scope(db) as s:
        old = make_api_key(s, "planner", name="mes-gateway")
    async with AsyncExitStack() as stack:
        clients = await _clients(stack, db_url, 2)
        with session_scope(db) as s:
            new = rotate_api_key(s, str(_key_id(db, old)), grace_hours=1).key
        assert await _statuses(clients, old) == [200, 200]
        assert await _statuses(clients, new) == [200, 200]
        with session_scope(db) as s:  # an hour later
            s.execute(update(ApiKey).where(ApiKey.id == _key_id(db, old))
                      .values(revoked_at=utcnow() - timedelta(seconds=1)))
        assert await _statuses(clients, old) == [401, 401]
        assert await _statuses(clients, new) == [200, 200]


async def test_last_use_is_written_once_a_minute_not_once_a_request(
    db: Engine, gql: GraphQLClient, statements: list[str]
) -> None:
    """Tried: 5 requests in a row (one UPDATE), then the same after the last use was set 61 s back (one more)."""
    key = gql.key
    assert key is not None
    key_id = _key_id(db, key)

    def last_used_updates() -> int:
        return sum(s.lstrip().upper().startswith("UPDATE API_KEYS") for s in statements)

    before = utcnow()
    for _ in range(5):
        await gql(QUERY)
    assert last_used_updates() == 1, statements
    with Session(db) as session:
        last_used = session.get_one(ApiKey, key_id).last_used_at
        assert last_used is not None and before <= last_used <= utcnow()
        a_minute_back = last_used - timedelta(seconds=61)
        session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=a_minute_back))
        session.commit()
    second_batch = utcnow()
    for _ in range(3):
        await gql(QUERY)
    assert last_used_updates() == 2, statements
    with Session(db) as session:
        written_again = session.get_one(ApiKey, key_id).last_used_at
        assert written_again is not None and written_again >= second_batch


async def test_a_key_that_is_never_used_has_no_last_use(db: Engine, gql: GraphQLClient) -> None:
    with session_scope(db) as s:
        unused = make_api_key(s, "viewer")
    await gql(QUERY)
    with Session(db) as session:
        assert session.get_one(ApiKey, _key_id(db, unused)).last_used_at is None


