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
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

import strawberry

from api.catalog.dataloaders import CatalogLoaders
from api.catalog.types import Customer, Product
from api.core.context import Context
from api.core.convert import from_attributes
from api.core.enums import expose_enum
from api.core.node import Node, global_id
from api.orders.connections import feedback_connection, history_connection
from api.orders.dataloaders import OrderLoaders
from api.orders.enums import OrderEventKind, OrderStatus, ReviewDecision
from domain import models
from domain.models import Role
from domain.orders.explain import partner_message
from domain.orders.queries import PromisedDelivery

if TYPE_CHECKING:
    from api.floor.types import Feedback

Info = strawberry.Info[Context, None]
T = TypeVar("T")
# A child already loaded, or the DataLoader's awaitable (graphql-core awaits it); the GraphQL type is T.
Loaded: TypeAlias = T | Awaitable[T]


class NotLoaded(enum.Enum):
    """Marks a child nobody preloaded (None is a loaded answer: an order with no review yet)."""

    NOT_LOADED = "NOT_LOADED"


NOT_LOADED = NotLoaded.NOT_LOADED


class Criterion(enum.Enum):
    CAPACITY = "CAPACITY"
    MATERIAL = "MATERIAL"
    TECHNOLOGY = "TECHNOLOGY"
    MARGIN = "MARGIN"


expose_enum(Criterion, "Criterion", "One of the four questions every order review answers (R3).", {
    "CAPACITY": "Can the lines make the order by the requested date, with the hours not yet promised?",
    "MATERIAL": "Are the key components in stock, or arriving in time?",
    "TECHNOLOGY": "Is the product's process proven, or does it need validation first?",
    "MARGIN": "Does the order's gross margin reach the customer tier's target?",
})


@strawberry.type(
    description="A quantity of one product to deliver on one date: a promise of an order (Order.deliveries) or part"
                " of a proposed date or split (Review.deliveries)."
)
class Delivery:
    sku: str = strawberry.field(description="The product's stock-keeping unit code.")
    quantity: float = strawberry.field(description="Units to deliver on `date`.")
    date: date = strawberry.field(description="The day the units are due at the customer (ISO 8601).")

    @classmethod
    def from_row(cls, row: PromisedDelivery) -> Delivery:
        return from_attributes(cls, row)

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Delivery:
        return cls(sku=str(item["sku"]), quantity=float(item["quantity"]), date=date.fromisoformat(str(item["date"])))


@strawberry.type(description="The verdict of one review criterion, with the facts that decided it.")
class CriterionResult:
    criterion: Criterion = strawberry.field(description="Which of the four criteria this verdict is for.")
    passed: bool = strawberry.field(
        description="True when the order meets the criterion; a failed one leads to a proposal or a rejection.")
    text: strawberry.Private[str]  # the message with every figure; a partner reads partner_message's version

    @strawberry.field(
        description="The verdict in words with its figures (e.g. short component, earliest date). A partner reads "
                    "the margin verdict without the plant's figures."
    )
    def message(self, info: Info) -> str:
        principal = info.context.principal
        if principal is not None and principal.role is Role.PARTNER:
            return partner_message(self.criterion.value, self.passed, self.text)
        return self.text


@strawberry.type(description="A rule of a rule file that fired during the review: why the decision is what it is.")
class FiredRule:
    rule_set: str = strawberry.field(
        description="The rule file's rule_set name (e.g. `review`, `rush`, `priority`).")
    rule: str = strawberry.field(description="The rule's id in its file (e.g. `P1-STRATEGIC`).")
    message: str = strawberry.field(description="The rule's description, what it decided in words.")


@strawberry.type(
    description="The outcome of checking an order on capacity, materials, technology and margin (R3, R4)."
)
class Review:
    decision: ReviewDecision = strawberry.field(
        description="Accept, propose a later date, propose a split, or reject.")
    criteria: list[CriterionResult] = strawberry.field(description="One verdict per criterion, always all four.")
    fired_rules: list[FiredRule] = strawberry.field(description="The rules that fired, in the order they fired.")
    rules_version: str = strawberry.field(
        description="The version of the loaded rule files the review ran on (see Query.ruleSets).")
    proposed_date: date | None = strawberry.field(
        description="With PROPOSE_DATE: the date the plant can promise instead; null otherwise.")
    deliveries: list[Delivery] = strawberry.field(
        description="With SPLIT or PROPOSE_DATE: what could be delivered on which date; empty when accepted as "
                    "asked or rejected.")

    @classmethod
    def from_row(cls, row: models.OrderReview) -> Review:
        """The JSON columns hold {criterion, passed, message}, {rule_set, rule, message}, {sku, quantity, date}."""
        return cls(
            decision=row.decision,
            criteria=[
                CriterionResult(criterion=Criterion(str(c["criterion"]).upper()), passed=bool(c["passed"]),
                                text=str(c.get("message", "")))
                for c in row.criteria
            ],
            fired_rules=[
                FiredRule(rule_set=str(r.get("rule_set", r.get("ruleSet", ""))), rule=str(r.get("rule", "")),
                          message=str(r.get("message", "")))
                for r in row.fired_rules
            ],
            rules_version=row.rules_version,
            proposed_date=row.proposed_date,
            deliveries=[Delivery.from_json(d) for d in row.proposed_deliveries],
        )


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
        "`history`, with `first`/`after` and totalCount.")
    feedback_connection = strawberry.field(
        resolver=feedback_connection,
        description="The order's complaints, returns and requirements a page at a time, oldest first (Relay "
        "connection); the same rows as `feedback`.")

    @strawberry.field(description="Every complaint, return and special requirement recorded on the order, oldest "
                      "first, in one list; page them with feedbackConnection.")
    async def feedback(self, info: Info) -> list[Annotated[Feedback, strawberry.lazy("api.floor.types")]]:
        from api.floor.types import Feedback  # the floor's types refer to Order: imported when first asked

        rows = await info.context.loader(OrderLoaders).feedback.load(self.pk)
        return [Feedback.from_row(row, self.code) for row in rows]

    @classmethod
    def from_row(cls, row: models.Order) -> Order:
        return from_attributes(cls, row, id=global_id("Order", row.id), pk=row.id)
