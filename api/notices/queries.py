"""The notices query: newest first, acknowledged or not, scoped to the caller."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from api.notices.types import Notice
from domain import notices


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
        user = info.context.user
        return await paged(
            info.context, first, after, "notices", notices.NEWEST_FIRST,
            lambda session, size, position: notices.list_notices(session, user, size, position, acknowledged),
            lambda session: notices.count_notices(session, user, acknowledged), Notice.from_row)
