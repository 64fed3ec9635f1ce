"""Alert queries: newest first, open or closed, scoped to the caller."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.alerts.types import Alert
from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from domain.alerts import queries

DEFAULT_PAGE = 50


@strawberry.type
class AlertQueries:
    @strawberry.field(description="Alerts, newest first; `open` filters open (true) or closed (false) ones.")
    async def alerts(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        open: Annotated[bool | None, strawberry.argument(
            description="true: open alerts only; false: closed only; omitted: both.")] = None,
    ) -> Connection[Alert]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "alerts")
        async with ctx.db() as session:
            page = await queries.list_alerts(session, ctx.user, size, position, open)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_alerts(session, ctx.user, open)

        return connection(page, queries.NEWEST_FIRST, "alerts", Alert.from_row, count, position)
