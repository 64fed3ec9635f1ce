"""Floor queries: the feedback production has to act on."""

from __future__ import annotations

import strawberry

from api.core.context import Context
from api.core.pagination import page_size
from api.floor.types import Feedback
from domain.floor.feedback import list_feedback

DEFAULT_PAGE = 50


@strawberry.type
class FloorQueries:
    @strawberry.field(description="Feedback oldest first; `open` filters open (true) or handled (false) ones.")
    async def feedback(
        self,
        info: strawberry.Info[Context, None],
        open: bool | None = None,
        order_code: str | None = None,
        first: int | None = None,
    ) -> list[Feedback]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        async with ctx.db() as session:
            rows = await list_feedback(session, ctx.user, size, open_only=open, order_code=order_code)
        return [Feedback.from_row(row, code) for row, code in rows]
