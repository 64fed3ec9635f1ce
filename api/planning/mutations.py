"""The replan mutation: planner role, solved in a worker thread, events published after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import anyio
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.errors import UserError
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.planning.plan import Plan
from domain.access import Principal
from domain.models import ForecastTier, Role, utcnow
from domain.planning import queries
from domain.planning.service import ReplanDone, run_replan
from domain.planning.weekly import ReplanSettings

Info = strawberry.Info[Context, None]


@strawberry.input(description="The rolling weekly replan (R5): forecast tier and horizon in weeks (1-26, default 13).")
class ReplanInput:
    tier: ForecastTier | None = strawberry.field(default=ForecastTier.MID, description="MID when omitted or null.")
    horizon_weeks: int | None = strawberry.field(default=None, description="13 when omitted or null.")
    cutoff: datetime | None = strawberry.field(
        default=None,
        description="Schedule only orders accepted up to this instant (the weekly cut-off, as `sop plan weekly` "
        "uses); default: every order accepted so far.",
    )


@strawberry.type(description="The answer of replan: the plan solved and put in force, or why not.")
class PlanPayload:
    plan: Plan | None = strawberry.field(description="The new plan in force; null when `errors` is not empty.")
    changes: int = strawberry.field(description="Weekly items that differ from the previous plan in force.")
    scheduled_orders: int = strawberry.field(description="Accepted orders that became SCHEDULED.")
    errors: list[UserError] = strawberry.field(
        description="Why no plan was made (PLAN_IN_PROGRESS, FORBIDDEN for a role other than planner, a bad "
        "horizon); empty on success.")


@strawberry.type
class PlanningMutations:
    @strawberry.mutation(
        description="Replan the rolling horizon now behind the frozen window; accepted orders become SCHEDULED. "
        "One replan runs at a time across processes (PLAN_IN_PROGRESS otherwise)."
    )
    async def replan(
        self, info: Info, input: Annotated[ReplanInput | None, strawberry.argument(
            description="Tier, horizon and cut-off; every default (MID, 13 weeks, now) when omitted.")] = None,
    ) -> PlanPayload:
        ctx = info.context
        given = input or ReplanInput()
        book = ctx.rules.current
        policy = book.capacity_policy()
        settings = ReplanSettings(
            tier=given.tier or ForecastTier.MID,
            horizon_weeks=13 if given.horizon_weeks is None else given.horizon_weeks,
            reserve_share=policy.reserve_share,
            frozen_days=policy.frozen_days,
            solver=ctx.settings.solver,
            rules_version=book.version,
        )

        async def use_case(session: AsyncSession, principal: Principal) -> ReplanDone:
            actor = require(principal, Role.PLANNER).actor
            done = await anyio.to_thread.run_sync(
                lambda: run_replan(
                    ctx.settings.database_url,
                    today=utcnow().date(),
                    settings=settings,
                    actor=actor,
                    cutoff=given.cutoff,
                )
            )
            for event_id in [*done.scheduled_event_ids, *done.late_event_ids]:
                await ctx.events.publish_order_event(event_id)
            for alert_id in done.alert_ids:
                await ctx.events.publish_alert(alert_id)
            return done

        outcome = await run_use_case(info, use_case)
        if outcome.value is None:
            return PlanPayload(plan=None, changes=0, scheduled_orders=0, errors=outcome.errors)
        async with ctx.db() as session:
            row = await queries.get_plan(session, outcome.value.plan_id)
        assert row is not None
        return PlanPayload(
            plan=Plan.from_row(row, in_force_id=row.id),
            changes=outcome.value.changes,
            scheduled_orders=len(outcome.value.scheduled_event_ids),
            errors=[],
        )
