"""An order's growing lists as Relay connections: history, feedback, notices and payments, a page at a time.

Each is nullable: a refused `first` or `after` nulls this field alone (the error names the argument) and the
order's other fields still answer; a non-null one would null the whole order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from domain.floor.feedback import OLDEST_FIRST as FEEDBACK_OLDEST_FIRST
from domain.floor.feedback import FeedbackFilter, count_feedback, feedback_page
from domain.notices import NEWEST_FIRST as NOTICES_BY_ID
from domain.notices import count_order_notices, order_notices_page
from domain.orders.history_page import OLDEST_FIRST, count_history, history_page
from domain.orders.payment_page import OLDEST_FIRST as PAYMENTS_OLDEST_FIRST
from domain.orders.payment_page import count_payments, payments_page

if TYPE_CHECKING:
    from api.floor.types import Feedback
    from api.notices.types import Notice
    from api.orders.types import OrderEvent, Payment

Info = strawberry.Info[Context, None]
DEFAULT_PAGE = 50


class OrderRow(Protocol):
    """What the resolvers read of the Order they hang on."""

    pk: int
    code: str


async def history_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[OrderEvent, strawberry.lazy("api.orders.types")]] | None:
    from api.orders.types import OrderEvent  # the module that declares Order imports this one

    ctx = info.context
    size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
    position = decode_cursor(after, "history")
    async with ctx.db() as session:
        page = await history_page(session, root.pk, size, position)

    async def count() -> int:
        async with ctx.db() as session:
            return await count_history(session, root.pk)

    return connection(page, OLDEST_FIRST, "history", OrderEvent.from_row, count, position)


async def feedback_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Feedback, strawberry.lazy("api.floor.types")]] | None:
    from api.floor.types import Feedback  # the floor's types refer to Order: imported when first asked

    ctx = info.context
    size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
    position = decode_cursor(after, "feedback")
    async with ctx.db() as session:
        page, codes = await feedback_page(session, ctx.user, size, position, FeedbackFilter(order_code=root.code))

    async def count() -> int:
        async with ctx.db() as session:
            return await count_feedback(session, ctx.user, FeedbackFilter(order_code=root.code))

    return connection(page, FEEDBACK_OLDEST_FIRST, "feedback", lambda row: Feedback.from_row(row, codes[row.order_id]),
                      count, position)


async def notices_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Notice, strawberry.lazy("api.notices.types")]] | None:
    from api.notices.types import Notice  # the notices feature sits beside orders: imported when first asked

    ctx = info.context
    size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
    position = decode_cursor(after, "orderNotices")
    async with ctx.db() as session:
        page = await order_notices_page(session, ctx.user, root.pk, size, position)

    async def count() -> int:
        async with ctx.db() as session:
            return await count_order_notices(session, ctx.user, root.pk)

    return connection(page, NOTICES_BY_ID, "orderNotices", Notice.from_row, count, position)


async def payments_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Payment, strawberry.lazy("api.orders.types")]] | None:
    from api.orders.types import Payment

    ctx = info.context
    size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
    position = decode_cursor(after, "payments")
    async with ctx.db() as session:
        page = await payments_page(session, root.pk, size, position)

    async def count() -> int:
        async with ctx.db() as session:
            return await count_payments(session, root.pk)

    return connection(page, PAYMENTS_OLDEST_FIRST, "payments", Payment.from_row, count, position)
