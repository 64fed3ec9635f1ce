"""materials: each material's position under the plan in force, oldest first, optionally only the short ones."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.errors import argument_error
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.purchasing.types import Material
from domain import clock
from domain.purchasing import queries

DEFAULT_PAGE = 50
MAX_WEEKS = 26


@strawberry.type
class PurchasingQueries:
    @strawberry.field(description="Raw materials: on hand, lead time, receipts due, the plan's needs and projected "
                                  "balance per week, shortages with order-by dates and purchase suggestions (R9, R10).")
    async def materials(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        short_only: Annotated[bool | None, strawberry.argument(
            description="true: only materials the plan in force needs more of than will be there.")] = None,
        weeks: Annotated[int | None, strawberry.argument(
            description=f"Weeks from this one (1 to {MAX_WEEKS}); to the end of the plan's horizon when omitted."
        )] = None,
    ) -> Connection[Material]:
        ctx = info.context
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
            raise argument_error("weeks", f"must be between 1 and {MAX_WEEKS}, got {weeks}")
        position = decode_cursor(after, "materials")
        today, short = clock.today(), bool(short_only)
        async with ctx.db() as session:
            page = await queries.list_materials(session, size, position, short_only=short, today=today, weeks=weeks)

        async def count() -> int:
            async with ctx.db() as session:
                return await queries.count_materials(session, short_only=short, today=today, weeks=weeks)

        return connection(page, queries.OLDEST_FIRST, "materials", Material.from_position, count, position)
