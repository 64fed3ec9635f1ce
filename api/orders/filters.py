"""The orders connection's filter and ordering inputs, translated to the domain's OrderSearch."""

from __future__ import annotations

import enum
from datetime import date

import strawberry

from api.core.errors import argument_error
from api.orders.enums import OrderSort, OrderStatus
from domain.orders.queries import OrderSearch


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Every given condition must hold; date ranges are inclusive.")
class OrderFilter:
    status: list[OrderStatus] | None = None
    customer_code: str | None = None
    customer_reference: str | None = strawberry.field(
        default=None, description="The customer's own order number; unique per customer, so with customerCode it "
                                  "finds one order at most.")
    rush: bool | None = None
    due_from: date | None = strawberry.field(default=None, description="Requested date on or after.")
    due_to: date | None = strawberry.field(default=None, description="Requested date on or before.")
    promised_from: date | None = None
    promised_to: date | None = None

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


@strawberry.input
class OrderOrderBy:
    field: OrderSort = OrderSort.RECEIVED_AT
    direction: SortDirection = SortDirection.ASC
