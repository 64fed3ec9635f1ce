"""The Plan type: a version of the rolling plan; items and loads are read when selected."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.core.context import Context
from api.core.convert import from_attributes
from api.planning.types import LineWeekLoad, PlanDiagnostic, PlanItem
from domain import models
from domain.planning import queries
from solver.result import DiagnosticKind, SolverStatus

Info = strawberry.Info[Context, None]


@strawberry.type(description="A version of the rolling weekly plan (R5); `inForce` marks the one production follows.")
class Plan:
    id: strawberry.ID
    version: int
    created_at: datetime
    in_force: bool
    tier: models.ForecastTier
    frozen_until: date
    horizon_start: date
    horizon_weeks: int
    status: models.PlanStatus = strawberry.field(
        description="DRAFT, IN_FORCE, SUPERSEDED or REJECTED (REJECTED once plans can be rejected)."
    )
    solver_status: SolverStatus = strawberry.field(
        description="How the solve ended; until this release `status` held this value as a lower-case string."
    )
    objective: float | None
    solve_seconds: float | None
    inputs_fingerprint: str
    rules_version: str
    diagnostics: list[PlanDiagnostic]
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Plan, in_force_id: int | None) -> Plan:
        return from_attributes(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            in_force=row.id == in_force_id,
            status=queries.plan_status(row.id, in_force_id),
            solver_status=SolverStatus(row.status),
            diagnostics=[
                PlanDiagnostic(kind=DiagnosticKind(str(d["kind"])), message=str(d["message"])) for d in row.diagnostics
            ],
            pk=row.id,
        )

    @strawberry.field(description="Weekly items; `daily: true` gives the daily tasks of the first week instead.")
    async def items(
        self, info: Info, week: date | None = None, line_code: str | None = None, daily: bool = False
    ) -> list[PlanItem]:
        async with info.context.db() as session:
            rows = await queries.plan_items(session, self.pk, daily=daily, week=week, line_code=line_code)
        return [PlanItem.from_row(r) for r in rows]

    @strawberry.field(description="The plan's load per line and week as it was solved.")
    async def loads(self, info: Info) -> list[LineWeekLoad]:
        async with info.context.db() as session:
            rows = await queries.plan_loads(session, self.pk)
        return [LineWeekLoad.from_row(r) for r in rows]
