"""Prometheus metrics: requests and latency per operation name, errors per code; one registry per app."""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Awaitable, Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import SchemaExtension

from api.core.errors import error_codes

# Operation names come from clients: keep label values short and tame, and few, so they cannot explode the series.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200  # distinct names per process; the frontends' screens and partners' calls fit many times


class Metrics:
    def __init__(self, max_operation_names: int = MAX_OPERATION_NAMES) -> None:
        self.max_operation_names = max_operation_names
        self.operation_names: set[str] = set()
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sop_graphql_requests", "GraphQL operations executed", ["operation", "type"], registry=self.registry
        )
        self.latency = Histogram(
            "sop_graphql_request_seconds",
            "GraphQL operation latency",
            ["operation"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.errors = Counter("sop_graphql_errors", "GraphQL errors by code", ["code"], registry=self.registry)

    def operation_label(self, name: str | None) -> str:
        """The name as label while it is tame and among the first `max_operation_names` seen; else "other"."""
        if name is None:
            return "anonymous"
        if name in self.operation_names:
            return name
        if len(self.operation_names) >= self.max_operation_names or not _NAME.match(name):
            return "other"
        self.operation_names.add(name)
        return name

    def record_error(self, code: str) -> None:
        self.errors.labels(code=code).inc()

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _refused(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status, headers)


def metrics_page(metrics: Metrics, token: str | None) -> Callable[[Request], Awaitable[Response]]:
    """GET /metrics for a scraper holding SOP_METRICS_TOKEN; off (404) while no token is set.

    The figures (operation names, error rates, latencies) tell an attacker which screens exist and when the
    service struggles, so they are not public; a token of their own keeps the scraper from needing an API key.
    """

    async def page(request: Request) -> Response:
        if token is None:
            return _refused(404, "NOT_FOUND", "/metrics is off: set SOP_METRICS_TOKEN and scrape with "
                                              "'Authorization: Bearer <token>'")
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return _refused(401, "UNAUTHENTICATED", "/metrics needs 'Authorization: Bearer <SOP_METRICS_TOKEN>'",
                            {"WWW-Authenticate": 'Bearer realm="sop-metrics"'})
        return await metrics.endpoint(request)

    return page


def metrics_extension(metrics: Metrics) -> type[SchemaExtension]:
    class RecordMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            context = self.execution_context
            operation = metrics.operation_label(context.operation_name)
            try:
                kind = context.operation_type.value
            except Exception:  # the document did not parse: no operation type to report
                kind = "invalid"
            metrics.requests.labels(operation=operation, type=kind).inc()
            metrics.latency.labels(operation=operation).observe(time.perf_counter() - started)
            result = context.result
            for code in error_codes(getattr(result, "errors", None) or context.pre_execution_errors):
                metrics.record_error(code)

    return RecordMetrics
