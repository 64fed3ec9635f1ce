"""The /graphql endpoint: strawberry's ASGI view with our context, authentication and GraphQL-shaped refusals."""

from __future__ import annotations

import asyncio
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import ParserCache
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api.core.auth import KeyUses, authorization_of, sign_in
from api.core.context import Context, NotAuthenticated
from api.core.errors import UNAVAILABLE_MESSAGE, with_codes
from api.core.limits import DOCUMENT_CACHE_SIZE
from api.core.metrics import Metrics
from api.core.oidc import OidcUnavailable, OidcVerifier
from api.core.rate_limits import RateLimited, RateLimits
from api.core.websockets import LegacyWSHandler, TransportWSHandler
from api.graphiql import graphiql_page
from domain.config import Settings
from domain.events import EventPublisher
from domain.outage import database_unavailable


@dataclass(frozen=True)
class Services:
    """What every request's context is made from; created once per app."""

    settings: Settings
    sessions: Any  # async_sessionmaker[AsyncSession]
    events: EventPublisher
    metrics: Metrics
    rules: Any = None
    limits: RateLimits | None = None
    key_uses: KeyUses | None = None
    oidc: OidcVerifier | None = None


def refusal(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """A request refused before execution, shaped like a GraphQL answer (as the 413 of api/core/limits.py)."""
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def unauthenticated(reason: str) -> Response:
    """HTTP 401 with no data."""
    return refusal(401, "UNAUTHENTICATED", reason, {"WWW-Authenticate": 'Bearer realm="sop"'})


def rate_limited(exc: RateLimited) -> Response:
    """HTTP 429 with Retry-After: wait that long, then send the request again."""
    return refusal(429, "RATE_LIMITED", str(exc), {"Retry-After": str(exc.retry_after)})


def unavailable(retry_after: int, message: str = UNAVAILABLE_MESSAGE) -> Response:
    """HTTP 503 with Retry-After: the database cannot answer now (or the request ran out of time); retry."""
    return refusal(503, "UNAVAILABLE", message, {"Retry-After": str(retry_after)})


def _holds_unavailable(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    answers: list[Any] = data if isinstance(data, list) else [data]
    return any(
        (error.get("extensions") or {}).get("code") == "UNAVAILABLE"
        for answer in answers
        for error in answer.get("errors") or []
    )


_ESCAPED_NUL = re.compile(r"\\u(0000|\{0+\})", re.IGNORECASE)
# NUL and lone surrogates (JSON lets "\ud800" stand alone): PostgreSQL text holds neither, and a code, filter or
# idempotency key with one came back INTERNAL from the database.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: object) -> bool:
    """A NUL or a lone surrogate in any string (or key) of the request, or NUL written as \\u0000 / \\u{0} in a
    document (GraphQL unescapes it; a surrogate escape there is a syntax error of the parser)."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        query = value.get("query")
        return (isinstance(query, str) and _ESCAPED_NUL.search(query) is not None) or any(
            _unstorable(k) or _unstorable(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


UNSTORABLE = "A NUL character (\\u0000) or a lone surrogate (\\ud800-\\udfff) is not allowed in a request"


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400 reads as infinity
        raise ValueError(f"{text[:20]} is beyond a 64-bit float")
    return number


class SopGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, schema: Any, services: Services, **options: Any) -> None:
        super().__init__(schema, **options)
        self.services = services
        # The schema's own parse cache (shared per size): the document counted here is not parsed twice.
        self.parse = ParserCache(maxsize=DOCUMENT_CACHE_SIZE).cached_parse_document

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL with its scripts served by this app: strawberry's template loads them from a CDN."""
        return graphiql_page()

    def new_context(self, request: Request | WebSocket) -> Context:
        s = self.services
        return Context(
            request=request, settings=s.settings, sessions=s.sessions, events=s.events, rules=s.rules,
            metrics=s.metrics, limits=s.limits, key_uses=s.key_uses, oidc=s.oidc,
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
        settings = self.services.settings
        response: Response
        try:
            # A request still running at the deadline is cancelled: its transaction rolls back (run_use_case,
            # context.close), so a request its client gave up on does not commit later.
            async with asyncio.timeout(settings.request_timeout_seconds) as deadline:
                # The GraphiQL page holds no data; everything else needs a key.
                if not self.should_render_graphql_ide(self.request_adapter_class(request)):
                    await sign_in(context, request.headers.get("authorization"))
                response = await self.run(request, context=context)
        except NotAuthenticated as exc:
            self.services.metrics.record_error("UNAUTHENTICATED")
            response = unauthenticated(str(exc))
        except RateLimited as exc:
            self.services.metrics.record_error("RATE_LIMITED")
            response = rate_limited(exc)
        except HTTPException as exc:  # strawberry's transport errors: body not JSON, batching, content type, ...
            code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"  # 404: GraphiQL off in production
            self.services.metrics.record_error(code)
            response = refusal(exc.status_code, code, exc.reason)
        except Exception as exc:  # the key check (or anything before execution) met a database that is down
            if isinstance(exc, TimeoutError) and deadline.expired():
                message = (f"The request took longer than {settings.request_timeout_seconds:g} s and was stopped; "
                           "what it had not committed was rolled back: retry after Retry-After seconds.")
            elif database_unavailable(exc):
                message = UNAVAILABLE_MESSAGE
            elif isinstance(exc, OidcUnavailable):
                message = f"{exc}: retry after Retry-After seconds (API keys still work)."
            else:
                raise
            self.services.metrics.record_error("UNAVAILABLE")
            response = unavailable(settings.retry_after_seconds, message)
        finally:
            await context.close()
        await response(scope, receive, send)

    async def execute_operation(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Any,
    ) -> Any:
        for data in request_data if isinstance(request_data, list) else [request_data]:
            operations = self.operations(data.query)
            if data.operation_name is None and len(operations) > 1:
                # strawberry would run the first one; the GraphQL spec makes this a request error.
                raise HTTPException(400, "The document has several operations: give operationName")
            chosen = [o for o in operations if data.operation_name is None
                      or (o.name is not None and o.name.value == data.operation_name)]
            if chosen and chosen[0].operation is OperationType.SUBSCRIPTION:
                # strawberry ran it as a query and the event stream came back INTERNAL.
                raise HTTPException(400, "A subscription runs over a websocket at /graphql (graphql-transport-ws)")
        return await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )

    def operations(self, query: str | None) -> list[OperationDefinitionNode]:
        """The document's operations; none when it does not parse (the schema then reports the syntax error)."""
        if not query:
            return []
        try:
            document = self.parse(query, max_tokens=self.services.settings.max_tokens)
        except GraphQLError:
            return []
        return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """An answer whose execution met a database that is down is a 503 with Retry-After, not a 200."""
        response = super().create_response(response_data, sub_response)
        if _holds_unavailable(response_data):
            response.status_code = 503
            response.headers["Retry-After"] = str(self.services.settings.retry_after_seconds)
        return response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        with_codes(result.errors)
        return await super().process_result(request, result)

    def decode_json(self, data: str | bytes) -> object:
        """JSON as the API takes it, over HTTP and in websocket messages alike; anything else raises
        JSONDecodeError, which strawberry answers with 400 (HTTP) or closes the websocket with 4400."""
        try:
            parsed = json.loads(data, parse_constant=_no_constant, parse_float=_finite)
        except RecursionError:  # "[" x 5000 was a 500 (HTTP) and a 1011 close (websocket)
            raise json.JSONDecodeError("nested too deeply", "", 0) from None
        except UnicodeDecodeError:  # was a 500
            raise json.JSONDecodeError("the body is not UTF-8", "", 0) from None
        except json.JSONDecodeError:
            raise
        except ValueError as exc:  # NaN, Infinity, 1e400
            raise json.JSONDecodeError(str(exc)[:200], "", 0) from None
        if _unstorable(parsed):
            raise json.JSONDecodeError(UNSTORABLE, "", 0)
        return parsed

    def parse_json(self, data: str | bytes) -> Any:
        """The body (or a GET parameter) as JSON; a bare number or string would reach strawberry as a 500."""
        try:
            parsed = self.decode_json(data)
        except json.JSONDecodeError as exc:
            reason = exc.msg if exc.msg == UNSTORABLE else f"Unable to parse request body as JSON: {exc.msg}"
            raise HTTPException(400, reason) from None
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
        except RateLimited as exc:
            self.services.metrics.record_error("RATE_LIMITED")
            payload = {"message": str(exc), "code": "RATE_LIMITED", "retryAfter": exc.retry_after}
            raise ConnectionRejectionError(payload) from exc
        except Exception as exc:
            if not database_unavailable(exc) and not isinstance(exc, OidcUnavailable):
                raise
            self.services.metrics.record_error("UNAVAILABLE")
            retry = self.services.settings.retry_after_seconds
            message = str(exc) if isinstance(exc, OidcUnavailable) else UNAVAILABLE_MESSAGE
            payload = {"message": message, "code": "UNAVAILABLE", "retryAfter": retry}
            raise ConnectionRejectionError(payload) from exc
        finally:
            await context.close()  # subscriptions open their own short sessions per event
        return UNSET
