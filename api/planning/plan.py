"""The Plan type: a version of the rolling plan; items and loads are read when selected."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.convert import from_attributes
from api.core.pagination import After, Connection, First, paged
from api.planning.dataloaders import PlanLoaders
from api.planning.types import LineWeekLoad, PlanApproval, PlanDiagnostic, PlanItem
from domain import models
from domain.paging import Page, Position
from domain.planning import item_pages, queries
from domain.planning.queries import PlanItemRow
from solver.result import DiagnosticKind, SolverStatus

Info = strawberry.Info[Context, None]


@strawberry.type(description="A version of the rolling weekly plan (R5); `inForce` marks the one production follows, "
                              "`status` DRAFT one waiting for production's and sales' approval.")
class Plan:
    id: strawberry.ID = strawberry.field(
        description="The plan's id (a plain number as text); pass it to `plan(id)`.")
    version: int = strawberry.field(description="Grows by one with each solved plan.")
    created_at: datetime = strawberry.field(description="When the plan was solved (UTC).")
    in_force: bool = strawberry.field(description="True for the one plan production follows now.")
    tier: models.ForecastTier = strawberry.field(
        description="The forecast tier the plan was solved for (MID unless the replan asked otherwise).")
    frozen_until: date = strawberry.field(
        description="Last day of the frozen window when it was solved: nothing due until then was changed (R14).")
    horizon_start: date = strawberry.field(description="The Monday of the plan's first week.")
    horizon_weeks: int = strawberry.field(description="How many weeks the plan covers from horizonStart (1-26).")
    status: models.PlanStatus = strawberry.field(
        description="DRAFT (waiting for approval), IN_FORCE, SUPERSEDED or REJECTED.")
    based_on: strawberry.ID | None = strawberry.field(
        description="The id of the plan in force when this plan was solved: its diff is against that plan, and a "
                    "draft is stale (cannot be approved) once another plan is in force; null for a plant's first.")
    in_force_at: datetime | None = strawberry.field(
        description="When the plan went into force (UTC); null while a draft, or for plans before plan consensus.")
    rejected_by: str | None = strawberry.field(
        description="Who rejected the draft, as `role:name`; null unless REJECTED.")
    rejection_reason: str | None = strawberry.field(description="Why the draft was rejected; null unless REJECTED.")
    solver_status: SolverStatus = strawberry.field(
        description="How the solve ended; until this release `status` held this value as a lower-case string."
    )
    objective: float | None = strawberry.field(
        description="The weighted cost the solver minimised (late demand, stock held, safety-stock shortfall, "
        "overtime, changes to the previous plan, broken promises), in the model's own units: compare plans with it, "
        "nothing else; null when the solve failed.")
    solve_seconds: float | None = strawberry.field(
        description="Wall-clock seconds the solve took; null when not measured.")
    inputs_fingerprint: str = strawberry.field(
        description="A hash of everything the solve read (orders, forecasts, capacity, stock, rules): two plans "
                    "with the same fingerprint were solved from the same inputs.")
    rules_version: str = strawberry.field(
        description="The version of the rule files the plan was solved under (see Query.ruleSets).")
    diagnostics: list[PlanDiagnostic] = strawberry.field(
        description="What the model found worth saying: bottlenecks, late demand, frozen conflicts, broken "
                    "promises.")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Plan, in_force_id: int | None) -> Plan:
        return from_attributes(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            in_force=row.id == in_force_id,
            status=queries.plan_status(row.id, in_force_id, rejected=row.rejected_at is not None,
                                       was_in_force=row.in_force_at is not None),
            based_on=None if row.based_on_plan_id is None else strawberry.ID(str(row.based_on_plan_id)),
            solver_status=SolverStatus(row.status),
            diagnostics=[
                PlanDiagnostic(kind=DiagnosticKind(str(d["kind"])), message=str(d["message"])) for d in row.diagnostics
            ],
            pk=row.id,
        )

    @strawberry.field(description="Weekly items; `daily: true` gives the daily tasks of the first week instead.")
    async def items(
        self,
        info: Info,
        week: Annotated[date | None, strawberry.argument(description="Only the week starting this Monday.")] = None,
        line_code: Annotated[str | None, strawberry.argument(description="Only this line's items.")] = None,
        daily: Annotated[bool, strawberry.argument(
            description="true: the daily tasks of the plan's first week instead of the weekly items.")] = False,
    ) -> list[PlanItem]:
        async with info.context.db() as session:
            rows = await queries.plan_items(session, self.pk, daily=daily, week=week, line_code=line_code)
        return [PlanItem.from_row(r) for r in rows]

    @strawberry.field(description="The same items as `items` a page at a time (Relay connection): weekly items by "
                      "week, daily tasks by day. Null, with an error naming the argument, when `first` or `after` is "
                      "refused; the plan's other fields still answer.")
    async def items_connection(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        week: Annotated[date | None, strawberry.argument(description="Only the week starting this Monday.")] = None,
        line_code: Annotated[str | None, strawberry.argument(description="Only this line's items.")] = None,
        daily: Annotated[bool, strawberry.argument(
            description="true: the daily tasks of the plan's first week instead of the weekly items.")] = False,
    ) -> Connection[PlanItem] | None:
        rows: dict[int, PlanItemRow] = {}  # item id -> its row, as the page read them

        async def fetch(session: AsyncSession, size: int, position: Position | None) -> Page[models.PlanItem]:
            page, found = await item_pages.plan_items_page(session, self.pk, size, position, daily=daily, week=week,
                                                           line_code=line_code)
            rows.update(found)
            return page

        return await paged(
            info.context, first, after, "planDailyTasks" if daily else "planItems", item_pages.order_key(daily), fetch,
            lambda session: item_pages.count_plan_items(session, self.pk, daily=daily, week=week, line_code=line_code),
            lambda item: PlanItem.from_row(rows[item.id]))

    @strawberry.field(description="The plan's load per line and week as it was solved.")
    async def loads(self, info: Info) -> list[LineWeekLoad]:
        async with info.context.db() as session:
            rows = await queries.plan_loads(session, self.pk)
        return [LineWeekLoad.from_row(r) for r in rows]

    @strawberry.field(description="Who approved the plan for which side (plan consensus, R5); empty for a plan that "
                                  "went into force without approval.")
    async def approvals(self, info: Info) -> list[PlanApproval]:
        rows = await info.context.loader(PlanLoaders).approvals.load(self.pk)
        return [PlanApproval.from_row(r) for r in rows]
