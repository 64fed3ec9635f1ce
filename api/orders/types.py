"""GraphQL types of orders: leaf fields are plain attributes; children come preloaded or from a DataLoader.

A list resolver that preloads its orders' children (api/orders/preload.py) lets `customer`, `lines`,
`lines.product` and `review` return plain values: an awaitable per field costs graphql-core and asyncio far
more than the field itself. Without a preload they return the DataLoader's awaitable, batched as before.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, TypeAlias, TypeVar

import strawberry

from api.catalog.dataloaders import CatalogLoaders
from api.catalog.types import Customer, Product
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.node import Node, global_id
from api.orders.connections import feedback_connection, history_connection, notices_connection, payments_connection
from api.orders.dataloaders import OrderLoaders
from api.orders.enums import OrderEventKind, OrderStatus, SignOffStatus
from api.orders.negotiation_types import MoveProposal
from api.orders.review_types import Delivery, Review
from domain import models
from domain.orders.negotiation_view import move_proposal, tentative_date

if TYPE_CHECKING:
    from api.floor.types import Feedback
    from api.notices.types import Notice

Info = strawberry.Info[Context, None]
T = TypeVar("T")
# A child already loaded, or the DataLoader's awaitable (graphql-core awaits it); the GraphQL type is T.
Loaded: TypeAlias = T | Awaitable[T]


class NotLoaded(enum.Enum):
    """Marks a child nobody preloaded (None is a loaded answer: an order with no review yet)."""

    NOT_LOADED = "NOT_LOADED"


NOT_LOADED = NotLoaded.NOT_LOADED


@strawberry.type(
    description="One step in an order's history, also pushed by the orderEvents subscription. Readable by every "
    "role that may read the order (a partner: its own customers' orders)."
)
class OrderEvent:
    order_code: str = strawberry.field(description="The order's code.")
    kind: OrderEventKind = strawberry.field(description="What happened.")
    at: datetime = strawberry.field(description="When it happened (UTC, ISO 8601).")
    actor: str | None = strawberry.field(
        description="Who did it as `role:name` (e.g. `partner:erp`, `system:review`); null when not recorded."
    )
    message: str | None = strawberry.field(description="The step in words; null for plain status steps.")
    from_status: OrderStatus | None = strawberry.field(description="The status before the step, if it changed.")
    to_status: OrderStatus | None = strawberry.field(description="The status after the step, if it changed.")

    @classmethod
    def from_row(cls, row: models.OrderEvent) -> OrderEvent:
        return from_attributes(cls, row, kind=OrderEventKind(row.kind))


@strawberry.type(description="Money received against an order (recordPayment).")
class Payment:
    amount: Decimal = strawberry.field(description="What was paid, in the company currency.")
    paid_on: date = strawberry.field(description="The day the money arrived.")
    received_at: datetime = strawberry.field(description="When the payment was recorded here (UTC).")
    recorded_by: str | None = strawberry.field(description="Who recorded it as `role:name`; null when not recorded.")

    @classmethod
    def from_row(cls, row: models.Payment) -> Payment:
        return from_attributes(cls, row)


@strawberry.type(description="A person's sign-off the order's review asked for (R3): the role, where it stands, "
                             "who answered, when and why. Not readable by partners.")
class SignOff:
    role: str = strawberry.field(description="The people asked: technology, purchasing, production, finance or "
                                             "sales (the API role that signs it off).")
    status: SignOffStatus = strawberry.field(description="PENDING until answered; APPROVED, REJECTED, OVERRIDDEN "
                                                         "(by an admin) or EXPIRED (the hold ran out).")
    by: str | None = strawberry.field(description="The person who answered, as `role:name` (an OpenID Connect "
                                                  "token's name, or the API key's); null while pending or expired.")
    at: datetime | None = strawberry.field(description="When it was answered or expired (UTC); null while pending.")
    reason: str | None = strawberry.field(description="The answer's reason as given (for EXPIRED: why it is no "
                                                      "longer asked); null while pending.")
    requested_reason: str = strawberry.field(description="Why the review rule asked for this sign-off.")
    hold_until: datetime = strawberry.field(description="Until when the order holds its capacity and stock waiting "
                                                        "for the answer (UTC); then it is released and reviewed "
                                                        "again.")

    @classmethod
    def from_row(cls, row: models.OrderSignOff) -> SignOff:
        return from_attributes(cls, row, requested_reason=row.request_reason)


@strawberry.type(
    description="One product of an order: how many, at what price, and how far production and shipping have got."
)
class OrderLine:
    quantity: float = strawberry.field(description="Units ordered.")
    unit_price: Decimal = strawberry.field(
        description="Price per unit in the company currency; the product's list price when the order did not give "
                    "one.")
    quantity_made: float = strawberry.field(
        description="Units the shop floor has reported made for this line so far (scrap not counted).")
    quantity_shipped: float = strawberry.field(description="Units of this line that have left the plant so far.")
    quantity_from_stock: float = strawberry.field(description="Finished units taken from stock at acceptance (R11).")
    product_id: strawberry.Private[int]
    loaded_product: strawberry.Private[Product | None] = None

    @strawberry.field(graphql_type=Product, description="The product ordered.")
    def product(self, info: Info) -> Loaded[Product]:
        if self.loaded_product is not None:
            return self.loaded_product
        return info.context.loader(CatalogLoaders).product.load(self.product_id)  # type: ignore[no-any-return]

    @classmethod
    def from_row(cls, row: models.OrderLine) -> OrderLine:
        return from_attributes(cls, row)


@strawberry.type(
    description="A customer's order: what was asked, what the plant promised, and where it stands. A partner key "
                "sees only its own customers' orders (others do not exist for it)."
)
class Order(Node):
    code: str = strawberry.field(description="The plant's order number, unique across all customers.")
    customer_reference: str | None = strawberry.field(
        description="The customer's own order number (e.g. its ERP's purchase-order number), unique per customer.")
    version: int = strawberry.field(
        description="Grows by one on every change; send it as `expectedVersion` to update, cancel or respond.")
    status: OrderStatus = strawberry.field(description="Where the order stands now.")
    requested_date: date = strawberry.field(description="The delivery date the customer asked for (ISO 8601).")
    promised_date: date | None = strawberry.field(
        description="The date the plant promised; null until a review accepts or the customer accepts a proposal.")
    amount: Decimal = strawberry.field(description="Sum of quantity x unit price, in the company currency.")
    gross_margin: Decimal = strawberry.field(
        description="Amount minus unit cost x quantity, in the company currency. Not for partners (FORBIDDEN).")
    rush: bool = strawberry.field(
        description="True when the rush rules judged it a rush order (wanted sooner than the normal lead time).")
    priority_tier: str = strawberry.field(
        description="The plant's ranking of the customer for this order. Not for partners (FORBIDDEN).")
    received_at: datetime = strawberry.field(description="When the order was received (UTC).")
    scheduled_at: datetime | None = strawberry.field(description="When a plan first scheduled it (UTC); null before.")
    completed_at: datetime | None = strawberry.field(description="When all its units were in stock (UTC); null before.")
    shipped_at: datetime | None = strawberry.field(description="When it left the plant in full (UTC); null before.")
    cancelled_at: datetime | None = strawberry.field(description="When it was cancelled (UTC); null otherwise.")
    delivered_on: date | None = strawberry.field(
        description="The day the customer received it (confirmDelivery); null before.")
    proof_reference: str | None = strawberry.field(
        description="The proof of delivery given with confirmDelivery (e.g. the carrier's receipt number); null "
                    "if none.")
    closed_at: datetime | None = strawberry.field(
        description="When it was CLOSED: delivered and paid in full (UTC); null before.")
    pk: strawberry.Private[int]
    customer_id: strawberry.Private[int]
    loaded_customer: strawberry.Private[Customer | None] = None
    loaded_lines: strawberry.Private[list[OrderLine] | None] = None
    loaded_review: strawberry.Private[Review | NotLoaded | None] = NOT_LOADED

    @strawberry.field(graphql_type=Customer, description="The customer who ordered.")
    def customer(self, info: Info) -> Loaded[Customer]:
        if self.loaded_customer is not None:
            return self.loaded_customer
        return info.context.loader(CatalogLoaders).customer.load(self.customer_id)  # type: ignore[no-any-return]

    @strawberry.field(graphql_type=list[OrderLine], description="What was ordered, one line per sku.")
    def lines(self, info: Info) -> Loaded[list[OrderLine]]:
        if self.loaded_lines is not None:
            return self.loaded_lines
        return self._load_lines(info)

    async def _load_lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loader(OrderLoaders).lines.load(self.pk)
        return [OrderLine.from_row(row) for row in rows]

    @strawberry.field(graphql_type=Review | None, description="The latest review (null before the first one).")
    def review(self, info: Info) -> Loaded[Review | None]:
        if self.loaded_review is not NOT_LOADED:
            return self.loaded_review
        return self._load_review(info)

    async def _load_review(self, info: Info) -> Review | None:
        row = await info.context.loader(OrderLoaders).review.load(self.pk)
        return Review.from_row(row) if row is not None else None

    @strawberry.field(description="What was promised: quantity and date per sku (several for a split).")
    async def deliveries(self, info: Info) -> list[Delivery]:
        rows = await info.context.loader(OrderLoaders).deliveries.load(self.pk)
        return [Delivery.from_row(row) for row in rows]

    @strawberry.field(description="The whole history, every change of the order, oldest first, in one list (the "
                      "contract's field). A long-lived order's history grows: page it with historyConnection.")
    async def history(self, info: Info) -> list[OrderEvent]:
        rows = await info.context.loader(OrderLoaders).history.load(self.pk)
        return [OrderEvent.from_row(row) for row in rows]

    history_connection = strawberry.field(
        resolver=history_connection,
        description="The order's history a page at a time, oldest first (Relay connection): the same events as "
        "`history`, with `first`/`after` and totalCount. Null, with an error naming the argument, when `first` or "
        "`after` is refused; the order's other fields still answer.")
    feedback_connection = strawberry.field(
        resolver=feedback_connection,
        description="The order's complaints, returns and requirements a page at a time, oldest first (Relay "
        "connection); the same rows as `feedback`. Null, with an error naming the argument, when `first` or `after` "
        "is refused.")
    notices_connection = strawberry.field(
        resolver=notices_connection,
        description="What the customer was told about the order a page at a time, oldest first (Relay connection); "
        "the same rows as `notices`. Null, with an error naming the argument, when `first` or `after` is refused.")
    payments_connection = strawberry.field(
        resolver=payments_connection,
        description="Money received against the order a page at a time, by the day it arrived (Relay connection); "
        "the same rows as `payments`. Null, with an error naming the argument, when `first` or `after` is refused.")

    @strawberry.field(description="Every complaint, return and special requirement recorded on the order, oldest "
                      "first, in one list; page them with feedbackConnection.")
    async def feedback(self, info: Info) -> list[Annotated[Feedback, strawberry.lazy("api.floor.types")]]:
        from api.floor.types import Feedback  # the floor's types refer to Order: imported when first asked

        rows = await info.context.loader(OrderLoaders).feedback.load(self.pk)
        return [Feedback.from_row(row, self.code) for row in rows]

    @strawberry.field(description="What the customer was told about this order (AT_RISK, LATE, MOVED, PROPOSED), "
                      "oldest first, with whether each was delivered and acknowledged, in one list (the contract's "
                      "field); page them with noticesConnection.")
    async def notices(self, info: Info) -> list[Annotated[Notice, strawberry.lazy("api.notices.types")]]:
        from api.notices.types import Notice  # the notices feature sits beside orders: imported when first asked
        from domain.notices import notices_of_order

        async with info.context.db() as session:
            rows = await notices_of_order(session, info.context.user, self.pk)
        return [Notice.from_row(row) for row in rows]

    @strawberry.field(description="When a rush order needs this order's capacity and the capacity policy asks its "
                      "customer first (R15): the proposed move, answered with respondToProposal; null otherwise.")
    async def move_proposal(self, info: Info) -> MoveProposal | None:
        async with info.context.db() as session:
            row = await move_proposal(session, self.pk)
        return MoveProposal.from_row(row) if row is not None else None

    @strawberry.field(description="A rush order waiting RECEIVED for other customers to agree to give way (R15): "
                      "the date it is promised once they all accept; null otherwise.")
    async def tentative_date(self, info: Info) -> date | None:
        async with info.context.db() as session:
            return await tentative_date(session, self.pk)

    @strawberry.field(description="The sign-offs its reviews asked for (R3), oldest first; empty when the review "
                                  "needed nobody. Not readable by partners.")
    async def sign_offs(self, info: Info) -> list[SignOff]:
        rows = await info.context.loader(OrderLoaders).sign_offs.load(self.pk)
        return [SignOff.from_row(row) for row in rows]

    @strawberry.field(description="Money received against the order (recordPayment), oldest first, in one list; "
                      "page it with paymentsConnection.")
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loader(OrderLoaders).payments.load(self.pk)
        return [Payment.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: models.Order) -> Order:
        return from_attributes(cls, row, id=global_id("Order", row.id), pk=row.id)
