"""materials: each material's position under the plan in force, oldest first, optionally only the short ones."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.errors import argument_error
from api.core.pagination import After, Connection, First, paged
from api.purchasing.types import Material
from domain import clock
from domain.purchasing import queries

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
        if weeks is not None and not 1 <= weeks <= MAX_WEEKS:
            raise argument_error("weeks", f"must be between 1 and {MAX_WEEKS}, got {weeks}")
        today, short = clock.today(), bool(short_only)
        return await paged(
            info.context, first, after, "materials", queries.OLDEST_FIRST,
            lambda session, size, position: queries.list_materials(session, size, position, short_only=short,
                                                                   today=today, weeks=weeks),
            lambda session: queries.count_materials(session, short_only=short, today=today, weeks=weeks),
            Material.from_position)
