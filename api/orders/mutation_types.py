"""Inputs and payloads of the order mutations, named as in the contract (extra fields are additions)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from api.core.errors import UserError
from api.orders.types import Criterion, CriterionResult, Delivery, FiredRule, Order, Review
from domain.orders import inputs
from domain.orders.results import ReviewResult


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: float
    unit_price: Decimal | None = None

    def to_domain(self) -> inputs.LineInput:
        return inputs.LineInput(self.sku, self.quantity, self.unit_price)


@strawberry.input
class OrderInput:
    customer_code: str
    requested_date: date
    lines: list[OrderLineInput]
    code: str | None = strawberry.field(
        default=None, description="The plant's order number, chosen by plant staff; generated when omitted. A "
                                  "partner's code is its own order number: it is kept as customerReference and the "
                                  "plant code is generated.")
    idempotency_key: str | None = None
    customer_reference: str | None = strawberry.field(
        default=None, description="The customer's own order number, unique per customer.")

    def to_domain(self) -> inputs.OrderInput:
        return inputs.OrderInput(self.customer_code, self.requested_date, tuple(ln.to_domain() for ln in self.lines),
                                 self.code, self.idempotency_key, self.customer_reference)


@strawberry.input
class UpdateOrderInput:
    code: str
    expected_version: int
    requested_date: date | None = None
    lines: list[OrderLineInput] | None = None
    idempotency_key: str | None = None

    def to_domain(self) -> inputs.UpdateInput:
        lines = None if self.lines is None else tuple(ln.to_domain() for ln in self.lines)
        return inputs.UpdateInput(self.code, self.expected_version, self.requested_date, lines, self.idempotency_key)


@strawberry.input
class CancelOrderInput:
    code: str
    expected_version: int
    reason: str | None = None
    idempotency_key: str | None = None

    def to_domain(self) -> inputs.CancelInput:
        return inputs.CancelInput(self.code, self.expected_version, self.reason, self.idempotency_key)


@strawberry.input
class ShipmentLineInput:
    sku: str
    quantity: float


@strawberry.input(description="What left the warehouse for an order; lines omitted: everything made and not shipped.")
class ShipOrderInput:
    code: str
    expected_version: int
    lines: list[ShipmentLineInput] | None = None
    at: datetime | None = strawberry.field(default=None, description="When it left (with a UTC offset); now if "
                                                                      "omitted.")
    idempotency_key: str | None = None

    def to_domain(self) -> inputs.ShipInput:
        lines = None if self.lines is None else tuple(inputs.ShipmentLine(ln.sku, ln.quantity) for ln in self.lines)
        return inputs.ShipInput(self.code, self.expected_version, lines, self.at, self.idempotency_key)


@strawberry.input
class ProposalResponseInput:
    code: str
    expected_version: int
    accept: bool


@strawberry.type(description="A product in stock that could replace an order line's product (R10).")
class SubstituteOffer:
    sku: str
    for_sku: str
    on_hand: float


@strawberry.type
class OrderPayload:
    order: Order | None
    errors: list[UserError]
    substitutes: list[SubstituteOffer] = strawberry.field(
        default_factory=list, description="When the review did not accept: products in stock that could replace "
                                          "a line's product (R10).")

    @staticmethod
    def offers(result: ReviewResult | None) -> list[SubstituteOffer]:
        if result is None:
            return []
        return [SubstituteOffer(sku=s.sku, for_sku=s.for_sku, on_hand=s.on_hand) for s in result.substitutes]


@strawberry.type
class QuotePayload:
    review: Review | None
    promised_date: date | None = strawberry.field(description="The date an ACCEPT promises.")
    rush: bool = False
    priority_tier: str | None = None
    substitutes: list[SubstituteOffer] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_result(cls, r: ReviewResult) -> QuotePayload:
        review = Review(
            decision=r.decision,
            criteria=[CriterionResult(criterion=Criterion(c.criterion), passed=c.passed, text=c.message)
                      for c in r.criteria],
            fired_rules=[FiredRule(rule_set=f.rule_set, rule=f.rule, message=f.message) for f in r.fired_rules],
            rules_version=r.rules_version,
            proposed_date=r.proposed_date,
            deliveries=[Delivery(sku=d.sku, quantity=d.quantity, date=d.date) for d in r.deliveries],
        )
        return cls(review=review, promised_date=r.promised_date, rush=r.rush, priority_tier=r.priority_tier,
                   substitutes=OrderPayload.offers(r), errors=[])
