"""The baseline of bench/api.py: the GraphQL orders page served as plain JSON by starlette, same queries, no GraphQL.

GET /orders?first=50 with `Authorization: Bearer <key>` answers the same shape and fields as the bench's
GraphQL page (customer, lines with product, latest review), reading through the same domain functions:
the key lookup, the scoped keyset page, then one statement each for customers, lines, products, reviews.
Run: SOP_DATABASE_URL=... python -m uvicorn bench.plain_orders_app:create_app --factory
"""

from __future__ import annotations

import base64
import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain import models
from domain.access import sign_in_with_key
from domain.catalog.queries import customers_by_id, products_by_id
from domain.config import Settings, load_settings
from domain.db import async_engine, async_sessions
from domain.orders.queries import SORT_KEYS, OrderSearch, OrderSort, latest_review_by_order, lines_by_order, list_orders

ORDERING = "orders:RECEIVED_AT:ASC"


def _opaque(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def _review(row: models.OrderReview | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "decision": row.decision.value,
        "rulesVersion": row.rules_version,
        "proposedDate": row.proposed_date.isoformat() if row.proposed_date else None,
        "criteria": [{"criterion": str(c["criterion"]).upper(), "passed": bool(c["passed"]),
                      "message": str(c.get("message", ""))} for c in row.criteria],
    }


def _order(order: models.Order, customer: models.Customer, lines: list[models.OrderLine],
           products: dict[int, models.Product], review: models.OrderReview | None) -> dict[str, Any]:
    return {
        "id": base64.urlsafe_b64encode(f"Order:{order.id}".encode()).decode(),
        "code": order.code,
        "version": order.version,
        "status": order.status.value,
        "requestedDate": order.requested_date.isoformat(),
        "promisedDate": order.promised_date.isoformat() if order.promised_date else None,
        "amount": str(order.amount),
        "rush": order.rush,
        "priorityTier": order.priority_tier,
        "customer": {"code": customer.code, "name": customer.name, "tier": customer.tier.value},
        "lines": [{"quantity": line.quantity, "unitPrice": str(line.unit_price),
                   "product": {"sku": products[line.product_id].sku, "name": products[line.product_id].name}}
                  for line in lines],
        "review": _review(review),
    }


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    engine = async_engine(settings.database_url)
    sessions = async_sessions(engine)

    async def orders(request: Request) -> Response:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        first = int(request.query_params.get("first", "50"))
        if not 0 <= first <= settings.max_page_size:
            return JSONResponse({"error": f"first: must be between 0 and {settings.max_page_size}"}, status_code=400)
        async with sessions() as session:
            principal = (await sign_in_with_key(session, key.strip())).principal if scheme.lower() == "bearer" else None
            if principal is None:
                return JSONResponse({"error": "missing or invalid API key"}, status_code=401)
            page = await list_orders(session, principal, OrderSearch(), first)
            ids = [o.id for o in page.rows]
            customers = await customers_by_id(session, sorted({o.customer_id for o in page.rows}))
            lines = await lines_by_order(session, ids)
            products = await products_by_id(session, sorted({ln.product_id for ls in lines.values() for ln in ls}))
            reviews = await latest_review_by_order(session, ids)
        key_of = SORT_KEYS[OrderSort.RECEIVED_AT]
        edges = [{"cursor": _opaque(ORDERING, key_of.text_of(o), o.id),
                  "node": _order(o, customers[o.customer_id], lines.get(o.id, []), products, reviews.get(o.id))}
                 for o in page.rows]
        end = edges[-1]["cursor"] if edges else None
        return JSONResponse({"orders": {"edges": edges, "pageInfo": {"hasNextPage": page.has_next, "endCursor": end}}})

    async def readyz(request: Request) -> Response:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The same start-up freeze as api/app.py, so the two servers differ only by GraphQL.
        gc.collect()
        gc.freeze()
        yield
        await engine.dispose()

    app = Starlette(routes=[Route("/orders", orders), Route("/readyz", readyz)], lifespan=lifespan)
    app.state.engine = engine
    return app
