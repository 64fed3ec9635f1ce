"""An order's growing lists as Relay connections: history, feedback, notices and payments, a page at a time.

Each is nullable: a refused `first` or `after` nulls this field alone (the error names the argument) and the
order's other fields still answer; a non-null one would null the whole order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from domain.floor.feedback import FeedbackFilter
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


class OrderRow(Protocol):
    """What the resolvers read of the Order they hang on."""

    pk: int
    code: str


async def history_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[OrderEvent, strawberry.lazy("api.orders.types")]] | None:
    from api.orders.types import OrderEvent  # the module that declares Order imports this one

    return await paged(info.context, first, after, "history", OLDEST_FIRST,
                        lambda session, size, position: history_page(session, root.pk, size, position),
                        lambda session: count_history(session, root.pk), OrderEvent.from_row)


async def feedback_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Feedback, strawberry.lazy("api.floor.types")]] | None:
    from api.floor.feedback_pages import feedback_connection as page  # the floor's types refer to Order

    return await page(info.context, first, after, FeedbackFilter(order_code=root.code))


async def notices_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Notice, strawberry.lazy("api.notices.types")]] | None:
    from api.notices.types import Notice  # the notices feature sits beside orders: imported when first asked

    user = info.context.user
    return await paged(info.context, first, after, "orderNotices", NOTICES_BY_ID,
                        lambda session, size, position: order_notices_page(session, user, root.pk, size, position),
                        lambda session: count_order_notices(session, user, root.pk), Notice.from_row)


async def payments_connection(
    root: OrderRow, info: Info, first: First = None, after: After = None
) -> Connection[Annotated[Payment, strawberry.lazy("api.orders.types")]] | None:
    from api.orders.types import Payment

    return await paged(info.context, first, after, "payments", PAYMENTS_OLDEST_FIRST,
                        lambda session, size, position: payments_page(session, root.pk, size, position),
                        lambda session: count_payments(session, root.pk), Payment.from_row)
