"""KPI queries: kpis(from, to) for every reader, planTargets for planners."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.convert import from_attributes
from api.core.pagination import After, Connection, First, paged
from api.core.permissions import allow
from api.kpis.report import KpiReport
from api.kpis.targets import PlanTargetsInput, TargetPlan
from api.kpis.types import RushAction
from domain import kpis
from domain.models import Role, RushInsertion
from domain.paging import Page, Position


@strawberry.type
class KpiQueries:
    @strawberry.field(description="Shared KPIs and scorecards of the period [from, to).")
    async def kpis(
        self,
        info: strawberry.Info[Context, None],
        from_: Annotated[datetime.date, strawberry.argument(name="from", description="First day (included).")],
        to: Annotated[datetime.date, strawberry.argument(description="Day after the last (excluded).")],
    ) -> KpiReport:
        ctx = info.context
        period = kpis.Period(from_, to)
        async with ctx.db() as session:
            report = await kpis.kpi_report_async(session, period)
        cards = kpis.scorecards(report, ctx.rule_book().scorecards())
        return KpiReport.of(report, cards)

    @strawberry.field(
        description="Break an annual revenue target into quarterly family volumes and show the capacity gaps.",
        permission_classes=[allow(Role.PLANNER)],
    )
    async def plan_targets(
        self, info: strawberry.Info[Context, None], input: Annotated[PlanTargetsInput, strawberry.argument(
            description="The year, its revenue growth and the families that grow at their own rate.")],
    ) -> TargetPlan:
        ctx = info.context
        mix = [kpis.MixTarget(m.family, m.growth, m.quarter) for m in input.mix]
        reserve = ctx.rule_book().capacity_policy().reserve_share
        async with ctx.db() as session:
            plan = await session.run_sync(kpis.plan_targets, input.year, input.revenue_growth, mix, reserve)
        return TargetPlan.of(plan)

    @strawberry.field(description="The rush review's actions, due first, a page at a time (Relay connection): cause "
                      "found, owner, due date, done or not. Not for partners.")
    async def rush_actions(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        open: Annotated[bool | None, strawberry.argument(
            description="true: not closed yet; false: closed; omitted: both.")] = None,
    ) -> Connection[RushAction]:
        actions: dict[int, kpis.RushAction] = {}  # rush insertion id -> its action row, as the page read them

        async def fetch(session: AsyncSession, size: int, position: Position | None) -> Page[RushInsertion]:
            page, found = await kpis.rush_actions_page(session, size, position, open)
            actions.update(found)
            return page

        return await paged(info.context, first, after, "rushActions", kpis.DUE_FIRST, fetch,
                           lambda session: kpis.count_rush_actions(session, open),
                           lambda row: from_attributes(RushAction, actions[row.id]))
