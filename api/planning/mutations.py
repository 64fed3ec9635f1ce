"""The replan mutation (planner role, solved in a worker thread) and the decisions on a draft plan: approvePlan and
rejectPlan; events published after commit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import anyio
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.errors import UserError
from api.core.mutations import run_use_case
from api.core.node import row_id
from api.core.permissions import require
from api.planning.plan import Plan
from domain.access import Principal
from domain.bounds import shown
from domain.errors import NotFound
from domain.models import ForecastTier, Role, utcnow
from domain.planning import queries
from domain.planning.consensus import Person
from domain.planning.service import ReplanDone, run_decision, run_replan
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


@strawberry.input(description="A decision on a draft plan (approvePlan, rejectPlan).")
class PlanDecisionInput:
    plan_id: strawberry.ID = strawberry.field(description="The draft's id (Plan.id).")
    reason: str | None = strawberry.field(
        default=None, description="Why: optional when approving, required when rejecting (at most 2000 characters).")


@strawberry.type(description="The answer of replan, approvePlan and rejectPlan: the plan and where it stands now, "
                             "or why not.")
class PlanPayload:
    plan: Plan | None = strawberry.field(
        description="The plan: in force, or a DRAFT waiting for approval (see `status`), or REJECTED; null when "
                    "`errors` is not empty.")
    changes: int = strawberry.field(
        description="Weekly items that differ from the plan in force the plan was solved against.")
    scheduled_orders: int = strawberry.field(
        description="Accepted orders that became SCHEDULED (0 while the plan is a draft).")
    errors: list[UserError] = strawberry.field(
        description="Why nothing was done (PLAN_IN_PROGRESS, FORBIDDEN for a role that may not, STALE_PLAN for a draft "
        "solved against a plan no longer in force, INVALID_TRANSITION for a plan that is not a draft, a bad "
        "horizon or a missing reason); empty on success.")


@strawberry.type
class PlanningMutations:
    @strawberry.mutation(
        description="Replan the rolling horizon now behind the frozen window. The plan goes into force at once "
        "(accepted orders become SCHEDULED) when the capacity policy's plan_approval lets it alone (few changes, no "
        "promise broken) or none is in force; otherwise it is a DRAFT for approvePlan (see planDiff). One replan "
        "runs at a time across processes (PLAN_IN_PROGRESS otherwise)."
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
            approval=policy.plan_approval,
            netting=policy.forecast_netting,
            forecast_lead_days=policy.forecast_lead_days,
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
            await _publish(ctx, done)
            return done

        return await _payload(info, use_case)

    @strawberry.mutation(
        description="Approve a DRAFT plan for your side: production (roles planner, production) or sales (role "
        "sales); an admin stands in for the side still missing. The second side's approval puts the draft in force "
        "(the plan it was solved against is SUPERSEDED, accepted orders are scheduled, moved orders told); a draft "
        "solved against a plan no longer in force gets STALE_PLAN.")
    async def approve_plan(
        self, info: Info, input: Annotated[PlanDecisionInput, strawberry.argument(
            description="The draft and an optional reason.")],
    ) -> PlanPayload:
        return await _decide(info, input, approve=True)

    @strawberry.mutation(
        description="Turn a DRAFT plan down with a reason (roles planner, production, sales): it is REJECTED and "
        "never goes into force; the plan in force stays.")
    async def reject_plan(
        self, info: Info, input: Annotated[PlanDecisionInput, strawberry.argument(
            description="The draft and the reason (required).")],
    ) -> PlanPayload:
        return await _decide(info, input, approve=False)


async def _decide(info: Info, given: PlanDecisionInput, *, approve: bool) -> PlanPayload:
    ctx = info.context

    async def use_case(session: AsyncSession, principal: Principal) -> ReplanDone:
        caller = require(principal, Role.PLANNER, Role.PRODUCTION, Role.SALES)
        plan_id = row_id(str(given.plan_id))
        if plan_id is None:
            raise NotFound(f"{shown(str(given.plan_id))} is not a plan id", ["input", "planId"])
        done = await anyio.to_thread.run_sync(lambda: run_decision(
            ctx.settings.database_url, plan_id, Person(caller.name, caller.role), given.reason, approve=approve,
            today=utcnow().date()))
        await _publish(ctx, done)
        return done

    return await _payload(info, use_case)


async def _publish(ctx: Context, done: ReplanDone) -> None:
    """After commit: the order events and alerts the plan's going into force produced, and the plan (planPublished)."""
    for event_id in [*done.scheduled_event_ids, *done.late_event_ids]:
        await ctx.events.publish_order_event(event_id)
    for alert_id in done.alert_ids:
        await ctx.events.publish_alert(alert_id)
    if done.in_force:
        await ctx.events.publish_plan(done.plan_id)


async def _payload(info: Info, use_case: Callable[[AsyncSession, Principal], Awaitable[ReplanDone]]) -> PlanPayload:
    outcome = await run_use_case(info, use_case)
    if outcome.value is None:
        return PlanPayload(plan=None, changes=0, scheduled_orders=0, errors=outcome.errors)
    async with info.context.db() as session:
        row = await queries.get_plan(session, outcome.value.plan_id)
        in_force_id = await queries.current_plan_id(session)
    assert row is not None
    return PlanPayload(
        plan=Plan.from_row(row, in_force_id=in_force_id),
        changes=outcome.value.changes,
        scheduled_orders=len(outcome.value.scheduled_event_ids),
        errors=[],
    )
