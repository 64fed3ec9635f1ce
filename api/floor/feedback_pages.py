"""A page of feedback as a Relay connection: the `feedback` query and an order's `feedback` field share it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.pagination import Connection, paged
from api.floor.types import Feedback
from domain import models
from domain.floor.feedback import OLDEST_FIRST, FeedbackFilter, count_feedback, feedback_page
from domain.paging import Page, Position


async def feedback_connection(ctx: Context, first: int | None, after: str | None,
                              wanted: FeedbackFilter) -> Connection[Feedback]:
    """The caller's feedback that `wanted` matches, oldest first, each with its order's code."""
    codes: dict[int, str] = {}  # order id -> code, as the page read them

    async def fetch(session: AsyncSession, size: int, position: Position | None) -> Page[models.Feedback]:
        page, found = await feedback_page(session, ctx.user, size, position, wanted)
        codes.update(found)
        return page

    return await paged(ctx, first, after, "feedback", OLDEST_FIRST, fetch,
                       lambda session: count_feedback(session, ctx.user, wanted),
                       lambda row: Feedback.from_row(row, codes[row.order_id]))
