"""The ASGI application: /graphql (HTTP and websocket), the board at /board/, /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute

from api.board import board_mount
from api.core.auth import KeyUses
from api.core.limits import BodySizeLimit
from api.core.metrics import Metrics, metrics_page
from api.core.oidc import OidcVerifier
from api.core.rate_limits import RateLimits
from api.core.view import Services, SopGraphQL
from api.graphiql import graphiql_assets_mount
from api.schema import build_schema
from domain.capacity import lock_timing
from domain.config import Settings, load_settings
from domain.db import Timeouts, async_engine, async_sessions, is_postgres
from domain.events import EventPublisher, make_broker
from domain.notices import DeliveryPolicy, deliver_forever
from domain.orders.hold_expiry import expire_forever as expire_holds_forever
from domain.orders.negotiation_expiry import expire_forever as expire_negotiations_forever
from domain.rules_sync import rules_at_start


def api_engine(settings: Settings) -> AsyncEngine:
    """The API process's engine: its PostgreSQL connections stay open (a fixed pool, no overflow that closes on
    return); SQLite has no pool sizes to set."""
    timeouts = Timeouts(settings.statement_timeout_ms, settings.lock_timeout_ms)
    if not is_postgres(settings.database_url):
        return async_engine(settings.database_url, timeouts)
    return async_engine(settings.database_url, timeouts, pool_size=settings.db_pool_size, max_overflow=0)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app; nothing connects until the first request (tests need no lifespan)."""
    settings = settings or load_settings()
    engine = api_engine(settings)
    broker = make_broker(settings.database_url)
    metrics = Metrics()
    if settings.ledger_lock_log is not None:
        lock_timing.enable(settings.ledger_lock_log)
    # The rules in force; a reload in any process reaches this one through the database.
    rule_book = rules_at_start(settings.database_url, settings.rules_dir)
    services = Services(settings, async_sessions(engine), EventPublisher(broker), metrics, rule_book,
                        RateLimits(settings), KeyUses(), OidcVerifier(settings.oidc) if settings.oidc else None)
    graphql = SopGraphQL(
        build_schema(settings, metrics),
        services,
        graphql_ide=None if settings.production else "graphiql",
        allowed_origins=settings.allowed_origins,
        max_subscriptions_per_connection=settings.max_subscriptions,
    )

    async def home(request: Request) -> Response:
        # Someone who opens the printed address without its path lands on GraphiQL, not a 404.
        return RedirectResponse("/graphql", status_code=307)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "not ready"; say which kind, not the details
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Modules, the schema and the mappers live as long as the process (~220k objects on the medium plant's
        # server): freezing them spares every full collection from walking them again. Measured: a full
        # collection cost ~200 ms of CPU before, ~25 ms after; the orders page triggers one every ~25 pages.
        gc.collect()
        gc.freeze()
        # Customer notices go out from the outbox in every API process; SKIP LOCKED shares the work on PostgreSQL.
        delivery = None
        if settings.webhook_interval_seconds > 0:
            policy = DeliveryPolicy(retry_base_seconds=settings.webhook_retry_base_seconds,
                                    max_attempts=settings.webhook_max_attempts)
            delivery = asyncio.create_task(deliver_forever(services.sessions, policy,
                                                           settings.webhook_interval_seconds))
        # Negotiated rush moves left unanswered past the policy's hours end as declines (R15).
        negotiations = None
        if settings.negotiation_check_seconds > 0:
            negotiations = asyncio.create_task(expire_negotiations_forever(
                services.sessions, lambda: rule_book.current, services.events, settings.negotiation_check_seconds))
        # Sign-off holds that ran out are released and their orders reviewed again (domain/orders/hold_expiry.py).
        holds = None
        if settings.hold_expiry_interval_seconds > 0:
            holds = asyncio.create_task(expire_holds_forever(services.sessions, lambda: rule_book.current,
                                                             settings.hold_expiry_interval_seconds, services.events))
        yield
        for task in (delivery, negotiations, holds):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await broker.close()
        await engine.dispose()

    middleware = [Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)]
    if settings.allowed_origins:
        # Outermost, so preflights are answered here and every answer (401, 413 included) carries the headers a
        # browser needs to read it. Keys travel in Authorization, not cookies: no credentials mode.
        cors = Middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
        middleware.insert(0, cors)
    app = Starlette(
        routes=[
            Route("/", home),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            graphiql_assets_mount(),
            board_mount(),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_page(metrics, settings.metrics_token)),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.services = services
    app.state.broker = broker
    return app
