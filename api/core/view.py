"""The /graphql endpoint: strawberry's ASGI view with our context, authentication and GraphQL-shaped refusals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types.unset import UNSET, UnsetType

from api.core.auth import authorization_of, sign_in
from api.core.context import Context, NotAuthenticated
from api.core.metrics import Metrics
from domain.config import Settings
from domain.events import EventPublisher


@dataclass(frozen=True)
class Services:
    """What every request's context is made from; created once per app."""

    settings: Settings
    sessions: Any  # async_sessionmaker[AsyncSession]
    events: EventPublisher
    metrics: Metrics
    rules: Any = None


def refusal(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A request refused before execution, shaped like a GraphQL answer (as the 413 of api/core/limits.py)."""
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def unauthenticated(reason: str) -> Response:
    """HTTP 401 with no data."""
    return refusal(401, "UNAUTHENTICATED", reason, {"WWW-Authenticate": 'Bearer realm="sop"'})


class SopGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, services: Services, **options: Any) -> None:
        super().__init__(schema, **options)
        self.services = services

    def new_context(self, request: Request | WebSocket) -> Context:
        s = self.services
        return Context(
            request=request, settings=s.settings, sessions=s.sessions, events=s.events, rules=s.rules, metrics=s.metrics
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            context = self.new_context(WebSocket(scope, receive=receive, send=send))
            try:
                await self.run(context.request, context=context)  # type: ignore[arg-type]
            finally:
                await context.close()
            return
        request = Request(scope, receive=receive)
        context = self.new_context(request)
        response: Response
        try:
            # The GraphiQL page holds no data; everything else needs a key.
            if not self.should_render_graphql_ide(self.request_adapter_class(request)):
                await sign_in(context, request.headers.get("authorization"))
            response = await self.run(request, context=context)
        except NotAuthenticated as exc:
            self.services.metrics.record_error("UNAUTHENTICATED")
            response = unauthenticated(str(exc))
        except HTTPException as exc:  # strawberry's transport errors: body not JSON, batching, content type, ...
            code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"  # 404: GraphiQL off in production
            self.services.metrics.record_error(code)
            response = refusal(exc.status_code, code, exc.reason)
        finally:
            await context.close()
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        """The body (or a GET parameter) as JSON; a bare number or string would reach strawberry as a 500."""
        parsed = super().parse_json(data)
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "Expected a JSON object such as {\"query\": \"{ orders { totalCount } }\"}")
        return parsed

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the key comes in the connection_init payload (or the handshake headers)."""
        authorization = authorization_of(context.connection_params) or context.request.headers.get("authorization")
        try:
            await sign_in(context, authorization)
        except NotAuthenticated as exc:
            self.services.metrics.record_error("UNAUTHENTICATED")
            raise ConnectionRejectionError({"message": str(exc), "code": "UNAUTHENTICATED"}) from exc
        finally:
            await context.close()  # subscriptions open their own short sessions per event
        return UNSET
