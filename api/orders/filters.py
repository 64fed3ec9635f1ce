"""The orders connection's filter and ordering inputs, translated to the domain's OrderSearch."""

from __future__ import annotations

import enum
from datetime import date

import strawberry

from api.core.enums import expose_enum
from api.core.errors import argument_error
from api.orders.enums import OrderSort, OrderStatus
from domain.orders.queries import OrderSearch


class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


expose_enum(SortDirection, "SortDirection", "Order of a sorted list.", {
    "ASC": "Smallest first: oldest date, lowest amount, A before Z.",
    "DESC": "Largest first: newest date, highest amount, Z before A.",
})


@strawberry.input(description="Every given condition must hold; date ranges are inclusive.")
class OrderFilter:
    status: list[OrderStatus] | None = strawberry.field(
        default=None, description="Any of these statuses; omitted: every status.")
    customer_code: str | None = strawberry.field(
        default=None, description="Only this customer's orders (the customer's code).")
    customer_reference: str | None = strawberry.field(
        default=None, description="The customer's own order number; unique per customer, so with customerCode it "
                                  "finds one order at most.")
    rush: bool | None = strawberry.field(
        default=None, description="true: rush orders only; false: the others; omitted: both.")
    due_from: date | None = strawberry.field(default=None, description="Requested date on or after.")
    due_to: date | None = strawberry.field(default=None, description="Requested date on or before.")
    promised_from: date | None = strawberry.field(
        default=None, description="Promised date on or after (orders without a promise are left out).")
    promised_to: date | None = strawberry.field(
        default=None, description="Promised date on or before (orders without a promise are left out).")

    def to_search(self) -> OrderSearch:
        ranges = ((self.due_from, self.due_to, "due"), (self.promised_from, self.promised_to, "promised"))
        for low, high, name in ranges:
            if low is not None and high is not None and low > high:
                raise argument_error(f"filter.{name}From", f"{low} is after {name}To {high}")
        return OrderSearch(
            statuses=self.status,
            customer_code=self.customer_code,
            customer_reference=self.customer_reference,
            rush=self.rush,
            requested_from=self.due_from,
            requested_to=self.due_to,
            promised_from=self.promised_from,
            promised_to=self.promised_to,
        )


@strawberry.input(
    description="How the orders list is sorted; ties are broken by the order's id so paging is stable."
)
class OrderOrderBy:
    field: OrderSort = strawberry.field(
        default=OrderSort.RECEIVED_AT, description="The column to sort on; RECEIVED_AT when omitted.")
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="ASC when omitted.")
