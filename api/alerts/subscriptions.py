"""alerts: new and updated alerts the caller may see, as they are committed."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.alerts.types import Alert
from api.core.context import Context
from domain.alerts.queries import alert_by_id
from domain.events import ALERTS


@strawberry.type
class AlertSubscriptions:
    @strawberry.subscription(description="Safety stock, incidents, late orders: each alert when raised or changed.")
    async def alerts(self, info: strawberry.Info[Context, None]) -> AsyncGenerator[Alert, None]:
        ctx = info.context
        principal = ctx.user
        async with ctx.events.broker.subscribe(ALERTS) as alert_ids:
            async for alert_id in alert_ids:
                async with ctx.sessions() as session:
                    row = await alert_by_id(session, principal, alert_id)
                if row is not None:
                    yield Alert.from_row(row)
