"""Alert queries: newest first, open or closed, scoped to the caller."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.alerts.types import Alert
from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from domain.alerts import queries


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
        user = info.context.user
        return await paged(info.context, first, after, "alerts", queries.NEWEST_FIRST,
                           lambda session, size, position: queries.list_alerts(session, user, size, position, open),
                           lambda session: queries.count_alerts(session, user, open), Alert.from_row)
