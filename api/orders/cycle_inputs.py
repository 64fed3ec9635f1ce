"""Inputs of the end of the order cycle: confirmDelivery and recordPayment, named as in the contract."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain.orders.delivery import DeliveryInput as DomainDeliveryInput
from domain.orders.payments import PaymentInput as DomainPaymentInput


@strawberry.input(description="The customer received a SHIPPED order: it becomes DELIVERED (CLOSED when already "
                              "paid in full).")
class DeliveryInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(description="The order's version as last read; another gives "
                                                         "VERSION_CONFLICT.")
    delivered_on: date = strawberry.field(description="The day it arrived: not before it shipped, not in the "
                                                      "future.")
    proof_reference: str | None = strawberry.field(
        default=None, description="The proof of delivery, e.g. the carrier's receipt number (at most 200 "
                                  "characters).")
    idempotency_key: str | None = strawberry.field(
        default=None, description="The same key and body return the first answer again and change nothing.")

    def to_domain(self) -> DomainDeliveryInput:
        return DomainDeliveryInput(self.code, self.expected_version, self.delivered_on, self.proof_reference,
                                   self.idempotency_key)


@strawberry.input(description="Money received against an order; a DELIVERED order paid in full becomes CLOSED.")
class PaymentInput:
    order_code: str = strawberry.field(description="The plant's order number.")
    amount: Decimal = strawberry.field(description="What was paid, more than 0, in cents; the payments of an "
                                                   "order may not exceed its amount.")
    paid_on: date = strawberry.field(description="The day the money arrived: not in the future, not before the "
                                                 "order was received.")
    idempotency_key: str = strawberry.field(description="Required: a payment reported twice with the same key "
                                                        "(and body) counts once.")

    def to_domain(self) -> DomainPaymentInput:
        return DomainPaymentInput(self.order_code, self.amount, self.paid_on, self.idempotency_key)
