"""Planning queries: a plan (the one in force by default), plan versions and their diff, the live capacity load,
forecast scenarios."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import anyio
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.errors import argument_error
from api.core.node import row_id
from api.core.pagination import After, Connection, First, paged
from api.core.permissions import allow
from api.planning.diff import PlanDiff
from api.planning.plan import Plan
from api.planning.types import ForecastScenario, LineWeekLoad
from domain import models
from domain.bounds import shown
from domain.errors import NotFound
from domain.models import PlanStatus, Role, utcnow
from domain.paging import Page, Position
from domain.planning import plan_reads, queries
from domain.planning.scenarios import forecast_scenarios
from domain.planning.service import engine_for
from domain.planning.weekly import MAX_HORIZON_WEEKS

Info = strawberry.Info[Context, None]


def _weeks(argument: str, weeks: int) -> int:
    if not 1 <= weeks <= MAX_HORIZON_WEEKS:
        raise argument_error(argument, f"{argument} must be between 1 and {MAX_HORIZON_WEEKS}, got {weeks}")
    return weeks


@strawberry.type
class PlanningQueries:
    @strawberry.field(description="A plan version by id; the plan in force when id is omitted.")
    async def plan(
        self, info: Info, id: Annotated[strawberry.ID | None, strawberry.argument(
            description="The plan's id (Plan.id); the plan in force when omitted.")] = None,
    ) -> Plan | None:
        plan_id = None
        if id is not None:
            plan_id = row_id(str(id))
            if plan_id is None:
                raise argument_error("id", f"id {shown(str(id))} is not a plan id")
        async with info.context.db() as session:
            row = await queries.get_plan(session, plan_id)
            in_force_id = await queries.current_plan_id(session)
        return Plan.from_row(row, in_force_id) if row is not None else None

    @strawberry.field(description="Plan versions, newest first; `status` keeps those of one standing (DRAFT: the ones "
                                  "waiting for production's and sales' approval).")
    async def plans(
        self, info: Info, first: First = None, after: After = None,
        status: Annotated[PlanStatus | None, strawberry.argument(
            description="Only plans of this standing; every plan when omitted.")] = None,
    ) -> Connection[Plan]:
        in_force: list[int | None] = [None]  # read with the page, in its session

        async def fetch(session: AsyncSession, size: int, position: Position | None) -> Page[models.Plan]:
            in_force[0] = await queries.current_plan_id(session)
            return await plan_reads.list_plans(session, size, position, status, in_force[0])

        return await paged(info.context, first, after, "plans", plan_reads.NEWEST_FIRST, fetch,
                           lambda session: plan_reads.count_plans(session, status, in_force[0]),
                           lambda row: Plan.from_row(row, in_force[0]))

    @strawberry.field(description="What changes from plan `from` to plan `to`: weekly items added, removed and "
                                  "changed, orders moved and promises broken.")
    async def plan_diff(
        self, info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(
            name="from", description="The plan compared from (Plan.id).")],
        to: Annotated[strawberry.ID | None, strawberry.argument(
            description="The plan compared to (Plan.id); the plan in force when omitted.")] = None,
    ) -> PlanDiff:
        ids = []
        for name, given in (("from", from_), ("to", to)):
            pk = None if given is None else row_id(str(given))
            if given is not None and pk is None:
                raise argument_error(name, f"{shown(str(given))} is not a plan id")
            ids.append(pk)
        async with info.context.db() as session:
            in_force_id = await queries.current_plan_id(session)
            try:
                row = await plan_reads.plan_diff(session, info.context.user, ids[0] or 0, ids[1])
            except NotFound as exc:
                raise argument_error((exc.field or ["from"])[0], exc.message) from None
        return PlanDiff.from_row(row, in_force_id)

    @strawberry.field(description="Live load per line and week from `from` (its Monday) for `weeks` weeks.")
    async def capacity_load(
        self,
        info: Info,
        from_: Annotated[date, strawberry.argument(
            name="from", description="Any day of the first week; the load starts on its Monday.")],
        weeks: Annotated[int, strawberry.argument(description="How many weeks, 1 to 26.")],
    ) -> list[LineWeekLoad]:
        _weeks("weeks", weeks)
        async with info.context.db() as session:
            rows = await queries.capacity_load(session, from_, weeks)
        return [LineWeekLoad.from_row(r) for r in rows]

    @strawberry.field(
        description="The horizon solved for the LOW, MID and HIGH forecasts: the elastic capacity each needs.",
        permission_classes=[allow(Role.PLANNER)],
    )
    async def plan_scenarios(
        self, info: Info, horizon_weeks: Annotated[int, strawberry.argument(
            description="Weeks to solve from this week, 1 to 26.")] = 13,
    ) -> list[ForecastScenario]:
        _weeks("horizonWeeks", horizon_weeks)
        ctx = info.context
        reserve = ctx.rules.current.capacity_policy().reserve_share

        def solve() -> list[ForecastScenario]:
            from sqlalchemy.orm import Session

            with Session(engine_for(ctx.settings.database_url)) as session:
                found = forecast_scenarios(
                    session,
                    today=utcnow().date(),
                    horizon_weeks=horizon_weeks,
                    reserve_share=reserve,
                    solver=ctx.settings.solver,
                )
            return [ForecastScenario.from_row(s) for s in found]

        return await anyio.to_thread.run_sync(solve)
