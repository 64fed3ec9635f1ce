"""Floor queries: feedback to act on, the forecasts sales submitted, what an idle line should make ahead."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.convert import from_attributes
from api.core.pagination import After, Connection, First
from api.core.permissions import require
from api.floor.feedback_pages import feedback_connection
from api.floor.types import Feedback, Forecast, WorkAheadTask
from domain import clock, models
from domain.floor import work_ahead_for_line
from domain.floor.feedback import FeedbackFilter
from domain.floor.forecasts import forecasts_in
from domain.models import Role


@strawberry.type
class FloorQueries:
    @strawberry.field(
        description="Complaints, returns and requirements, oldest first, as a Relay connection. Viewers, planners "
        "and admins see all; a partner sees its own customers' orders' feedback only."
    )
    async def feedback(
        self,
        info: strawberry.Info[Context, None],
        open: Annotated[bool | None, strawberry.argument(
            description="true: still to act on (OPEN); false: handled; omitted: both.")] = None,
        order_code: Annotated[str | None, strawberry.argument(description="Only this order's feedback.")] = None,
        first: First = None,
        after: After = None,
        kind: Annotated[models.FeedbackKind | None, strawberry.argument(description="Only this kind.")] = None,
        cause: Annotated[models.FeedbackCause | None, strawberry.argument(description="Only this cause.")] = None,
        unresolved: Annotated[bool | None, strawberry.argument(
            description="true: not yet RESOLVED or CLOSED; false: resolved or closed. The production team's list "
            "is `feedback(kind: COMPLAINT, cause: PRODUCTION, unresolved: true)`.")] = None,
    ) -> Connection[Feedback]:
        return await feedback_connection(info.context, first, after,
                                         FeedbackFilter(open, order_code, kind, cause, unresolved))

    @strawberry.field(
        description="The forecasts of `weeks` weeks from the week of `from`, by week then sku: per sku and week the "
        "one in use (the latest submission), or every submission with `allSubmissions`. Not for partners (FORBIDDEN)."
    )
    async def forecasts(
        self,
        info: strawberry.Info[Context, None],
        from_: Annotated[date, strawberry.argument(name="from", description="A day of the first week.")],
        weeks: Annotated[int, strawberry.argument(description="How many weeks, 1 to 104.")],
        sku: Annotated[str | None, strawberry.argument(description="Only this product (NOT_FOUND if unknown).")] = None,
        family: Annotated[str | None, strawberry.argument(
            description="Only this product family (NOT_FOUND if no product has it).")] = None,
        all_submissions: Annotated[bool, strawberry.argument(
            description="true: every submission, superseded ones too, oldest first within a sku and week.")] = False,
    ) -> list[Forecast]:
        ctx = info.context
        require(ctx.user, Role.VIEWER, Role.MES, Role.PLANNER)
        async with ctx.db() as session:
            rows = await forecasts_in(session, sku=sku, family=family, start=from_, weeks=weeks,
                                      every_submission=all_submissions)
        return [Forecast.from_row(row, code) for row, code in rows]

    @strawberry.field(
        description="What `lineCode` should make now with the `idleHours` its day's tasks and rush orders left it, "
        "asked at the day's end (capacity policy WORK-AHEAD): open orders made on that line and promised within the "
        "rule's days_ahead, earliest promise first, for what they still need. An order made in full gives back the "
        "hours it held in later weeks. Empty when the rules have no WORK-AHEAD. NOT_FOUND for an unknown line, "
        "INVALID for hours outside 0..24. Not for partners (FORBIDDEN)."
    )
    async def work_ahead(
        self,
        info: strawberry.Info[Context, None],
        line_code: Annotated[str, strawberry.argument(description="The line with idle hours.")],
        idle_hours: Annotated[float, strawberry.argument(description="Its hours left idle today, 0 to 24.")],
    ) -> list[WorkAheadTask]:
        ctx = info.context
        require(ctx.user, Role.VIEWER, Role.MES, Role.PLANNER)
        async with ctx.db() as session:
            tasks = await work_ahead_for_line(session, ctx.rule_book().capacity_policy(), line_code, idle_hours,
                                              clock.today())
        return [from_attributes(WorkAheadTask, task) for task in tasks]
