"""The notices query: newest first, acknowledged or not, scoped to the caller."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.notices.types import Notice
from domain import notices

DEFAULT_PAGE = 50


@strawberry.type
class NoticeQueries:
    @strawberry.field(description="Notices to customers, newest first: what they must hear of and whether they were "
                      "told. A partner sees its own customers' notices.")
    async def notices(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        acknowledged: Annotated[bool | None, strawberry.argument(
            description="true: acknowledged ones only; false: those nobody acknowledged yet; omitted: both.")] = None,
    ) -> Connection[Notice]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "notices")
        async with ctx.db() as session:
            page = await notices.list_notices(session, ctx.user, size, position, acknowledged)

        async def count() -> int:
            async with ctx.db() as session:
                return await notices.count_notices(session, ctx.user, acknowledged)

        return connection(page, notices.NEWEST_FIRST, "notices", Notice.from_row, count, position)
