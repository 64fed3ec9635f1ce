"""Floor queries: the feedback production has to act on."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.floor.types import Feedback
from domain.floor.feedback import OLDEST_FIRST, count_feedback, feedback_page

DEFAULT_PAGE = 50


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
    ) -> Connection[Feedback]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "feedback")
        async with ctx.db() as session:
            page, codes = await feedback_page(session, ctx.user, size, position, open_only=open,
                                              order_code=order_code)

        async def count() -> int:
            async with ctx.db() as session:
                return await count_feedback(session, ctx.user, open_only=open, order_code=order_code)

        return connection(page, OLDEST_FIRST, "feedback", lambda row: Feedback.from_row(row, codes[row.order_id]),
                          count, position)
