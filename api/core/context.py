"""The per-request context: the caller, one lazily opened database session, DataLoaders, events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction
from starlette.requests import Request
from starlette.websockets import WebSocket

from domain.access import Principal
from domain.config import Settings
from domain.errors import Forbidden
from domain.events import EventPublisher

if TYPE_CHECKING:
    from api.core.auth import KeyUses
    from api.core.metrics import Metrics
    from api.core.oidc import OidcVerifier
    from api.core.rate_limits import RateLimits

L = TypeVar("L")
_FLUSHED = "sop_flushed"  # session.info: the open transaction has flushed (it may hold writes)


class NotAuthenticated(Exception):
    """No valid API key: the request gets HTTP 401 and no data."""


@dataclass
class Context:
    request: Request | WebSocket
    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    events: EventPublisher
    rules: Any = None  # the live rule book (rules.LiveRules) once the lead wires it in api/app.py
    metrics: Metrics | None = None
    limits: RateLimits | None = None
    key_uses: KeyUses | None = None
    oidc: OidcVerifier | None = None  # set when SOP_OIDC_ISSUER is: people sign in with their plant's SSO
    principal: Principal | None = None
    # graphql-transport-ws puts the connection_init payload here (it carries the Authorization).
    connection_params: dict[str, Any] | None = None
    _session: AsyncSession | None = field(default=None, repr=False)
    # A use case (api/core/mutations.py) left the session's transaction open: it may hold writes, even unflushed
    # ones sent on the raw connection (domain/capacity/one_message.py), so close() rolls it back.
    use_case_open: bool = field(default=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    _loaders: dict[Callable[[Context], Any], Any] = field(default_factory=dict, repr=False)

    @property
    def user(self) -> Principal:
        """The authenticated caller; resolvers only run after authentication, so this is set."""
        if self.principal is None:
            raise Forbidden("this operation needs an API key")
        return self.principal

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The request's read session; DataLoaders run concurrently and one AsyncSession must not."""
        async with self._lock:
            if self._session is None:
                self._session = self.sessions()
            yield self._session

    def rule_book(self) -> Any:
        """The rules in force (rules.RuleBook): the live ones when the app holds them, else the rules folder
        (an app built without them, as some tests do)."""
        if self.rules is not None:
            return self.rules.current
        from rules import load_rulebook

        return load_rulebook(self.settings.rules_dir)

    def loader(self, factory: Callable[[Context], L]) -> L:
        """The request's instance of a feature's loaders (created on first use, dropped with the request)."""
        if factory not in self._loaders:
            self._loaders[factory] = factory(self)
        return self._loaders[factory]  # type: ignore[no-any-return]

    def reset_loaders(self) -> None:
        """After a write inside the request (a mutation), so later fields read fresh rows."""
        self._loaders.clear()

    @property
    def client_address(self) -> str:
        """The caller's address (uvicorn puts a trusted proxy's X-Forwarded-For here), or "unknown"."""
        client = self.request.client
        return client.host if client is not None else "unknown"

    async def close(self) -> None:
        """Close the session once nobody uses it: when a non-null field fails, graphql-core cancels its siblings,
        but a DataLoader's batch runs in a task of its own and may still be reading; closing under it broke the
        connection ("closed database") and the request ended in a 500 instead of its answer."""
        async with self._lock:
            if self._session is not None:
                session, self._session = self._session, None
                try:
                    if self._only_read(session):
                        await session.commit()
                except SQLAlchemyError:
                    pass  # it only read: nothing to keep; close() below discards the connection's state
                finally:
                    self.use_case_open = False
                    await session.close()

    def _only_read(self, session: AsyncSession) -> bool:
        """The open transaction read only, so ending it with COMMIT loses nothing it should not keep. Why not a
        ROLLBACK: psycopg forgets its prepared statements at every ROLLBACK (and sends DEALLOCATE ALL if it had
        any), so a connection that served a read request parsed and planned every statement again (issue 15)."""
        return (session.in_transaction() and not self.use_case_open and not session.info.get(_FLUSHED)
                and not (session.new or session.dirty or session.deleted))


@event.listens_for(Session, "after_flush")
def _mark_flushed(session: Session, _: Any) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flushed(session: Session, transaction: SessionTransaction) -> None:
    """A new transaction starts with nothing written."""
    if transaction.parent is None:
        session.info.pop(_FLUSHED, None)
