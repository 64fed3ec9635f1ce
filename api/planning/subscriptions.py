"""planPublished: each plan as it goes into force (a replan let alone, or a draft approved by both sides)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.core.context import Context
from api.planning.plan import Plan
from domain.events import PLANS
from domain.planning import queries


@strawberry.type
class PlanSubscriptions:
    @strawberry.subscription(description="Each plan as it goes into force: a replan the capacity policy let alone, "
                                         "or a draft production and sales approved (R5: visible to sales at once). "
                                         "Not for partner keys.")
    async def plan_published(self, info: strawberry.Info[Context, None]) -> AsyncGenerator[Plan, None]:
        ctx = info.context
        async with ctx.events.broker.subscribe(PLANS) as plan_ids:
            async for plan_id in plan_ids:
                async with ctx.sessions() as session:
                    row = await queries.get_plan(session, plan_id)
                    in_force_id = await queries.current_plan_id(session)
                if row is not None:
                    yield Plan.from_row(row, in_force_id)
