"""Inputs and payloads of the order mutations, named as in the contract (extra fields are additions)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from api.core.errors import UserError
from api.core.input_plans import planned_input
from api.orders.negotiation_types import RushMove
from api.orders.review_types import Criterion, CriterionResult, Delivery, FiredRule, Review
from api.orders.types import Order
from domain.orders import inputs
from domain.orders.results import ReviewResult


@planned_input
@strawberry.input(description="One product of an order being created, quoted or changed.")
class OrderLineInput:
    sku: str = strawberry.field(
        description="The product's stock-keeping unit code; an unknown sku is NOT_FOUND (field lines.<i>.sku).")
    quantity: float = strawberry.field(description="Units ordered; more than 0.")
    unit_price: Decimal | None = strawberry.field(
        default=None, description="Price per unit in the company currency; the product's list price "
                                  "when omitted.")

    def to_domain(self) -> inputs.LineInput:
        return inputs.LineInput(self.sku, self.quantity, self.unit_price)


@planned_input
@strawberry.input(description="A new order, for quoteOrder (dry run) or createOrder.")
class OrderInput:
    customer_code: str = strawberry.field(
        description="The customer's code; a partner key may only name its own customers (others are NOT_FOUND).")
    requested_date: date = strawberry.field(description="The delivery date the customer asks for (ISO 8601).")
    lines: list[OrderLineInput] = strawberry.field(description="What is ordered: at least one line.")
    code: str | None = strawberry.field(
        default=None, description="The plant's order number, chosen by plant staff; generated when omitted. A "
                                  "partner's code is its own order number: it is kept as customerReference and the "
                                  "plant code is generated.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Any string the client picks, up to 200 characters: sending the same key with the"
                                  " same input again returns the first answer and changes nothing; with another "
                                  "input it is IDEMPOTENCY_MISMATCH.")
    customer_reference: str | None = strawberry.field(
        default=None, description="The customer's own order number, unique per customer.")

    def to_domain(self) -> inputs.OrderInput:
        return inputs.OrderInput(self.customer_code, self.requested_date, tuple(ln.to_domain() for ln in self.lines),
                                 self.code, self.idempotency_key, self.customer_reference)


@planned_input
@strawberry.input(description="A change of an order's date or lines; the order is reviewed again.")
class UpdateOrderInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(
        description="The `version` you read; another is refused with VERSION_CONFLICT and the version now.")
    requested_date: date | None = strawberry.field(
        default=None, description="The new requested date; unchanged when omitted.")
    lines: list[OrderLineInput] | None = strawberry.field(
        default=None, description="The new lines, replacing all old ones; unchanged when omitted.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Same as OrderInput.idempotencyKey: a retry with the same key and input changes "
                                  "nothing.")

    def to_domain(self) -> inputs.UpdateInput:
        lines = None if self.lines is None else tuple(ln.to_domain() for ln in self.lines)
        return inputs.UpdateInput(self.code, self.expected_version, self.requested_date, lines, self.idempotency_key)


@strawberry.input(description="Cancel an order; its promised capacity is released.")
class CancelOrderInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(
        description="The `version` you read; another is refused with VERSION_CONFLICT and the version now.")
    reason: str | None = strawberry.field(default=None, description="Why, in words; kept in the order's history.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Same as OrderInput.idempotencyKey: a retry with the same key and input changes "
                                  "nothing.")

    def to_domain(self) -> inputs.CancelInput:
        return inputs.CancelInput(self.code, self.expected_version, self.reason, self.idempotency_key)


@strawberry.input(description="Units of one product that left the warehouse.")
class ShipmentLineInput:
    sku: str = strawberry.field(description="The product's stock-keeping unit code; must be on the order.")
    quantity: float = strawberry.field(
        description="Units that left; more than 0 and at most what was made or taken from stock for it and not yet "
        "shipped.")


@strawberry.input(description="What left the warehouse for an order; lines omitted: everything made and not shipped.")
class ShipOrderInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(
        description="The `version` you read; another is refused with VERSION_CONFLICT and the version now.")
    lines: list[ShipmentLineInput] | None = strawberry.field(
        default=None, description="What left, per sku; omitted: everything made or taken from stock and not yet "
                                  "shipped.")
    at: datetime | None = strawberry.field(default=None, description="When it left (with a UTC offset); now if "
                                                                      "omitted.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="Same as OrderInput.idempotencyKey: a retry with the same key and input changes "
                                  "nothing.")

    def to_domain(self) -> inputs.ShipInput:
        lines = None if self.lines is None else tuple(inputs.ShipmentLine(ln.sku, ln.quantity) for ln in self.lines)
        return inputs.ShipInput(self.code, self.expected_version, lines, self.at, self.idempotency_key)


@strawberry.input(description="The customer's answer to a proposed date or split (an order in status PROPOSED).")
class ProposalResponseInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(
        description="The `version` you read; another is refused with VERSION_CONFLICT and the version now.")
    accept: bool = strawberry.field(
        description="true: the proposal becomes the promise (ACCEPTED); false: the order is CANCELLED.")


@strawberry.type(description="A product in stock that could replace an order line's product (R10).")
class SubstituteOffer:
    sku: str = strawberry.field(description="The substitute product's stock-keeping unit code.")
    for_sku: str = strawberry.field(description="The ordered product it could replace.")
    on_hand: float = strawberry.field(description="Units of the substitute in finished-goods stock now.")


@strawberry.type(description="The answer of an order mutation: the order as it is now, or why nothing was changed.")
class OrderPayload:
    order: Order | None = strawberry.field(
        description="The order after the change; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="Why the mutation was refused; empty on success (then nothing was half-written either).")
    substitutes: list[SubstituteOffer] = strawberry.field(
        default_factory=list, description="When the review did not accept: products in stock that could replace "
                                          "a line's product (R10).")

    @staticmethod
    def offers(result: ReviewResult | None) -> list[SubstituteOffer]:
        if result is None:
            return []
        return [SubstituteOffer(sku=s.sku, for_sku=s.for_sku, on_hand=s.on_hand) for s in result.substitutes]


@strawberry.type(description="The answer of quoteOrder: the review the order would get now. Nothing is saved.")
class QuotePayload:
    review: Review | None = strawberry.field(description="The review; null when `errors` is not empty.")
    promised_date: date | None = strawberry.field(description="The date an ACCEPT promises; null while the order "
                                                              "would wait for sign-offs (`signOffsNeeded`).")
    sign_offs_needed: list[str] = strawberry.field(
        default_factory=list, description="The people (roles: technology, purchasing, production, finance, sales) "
                                          "createOrder would wait for before answering (R3); empty: answered at "
                                          "once. Not for partners (FORBIDDEN).")
    rush: bool = strawberry.field(
        default=False, description="True when the rush rules judge the order a rush order.")
    priority_tier: str | None = strawberry.field(
        default=None, description="The priority tier the rules would give it (P1 strategic, P2 rush, P3 key, P4 "
                                  "others); null when `errors` is not empty. Not for partners (FORBIDDEN): the "
                                  "plant's ranking.")
    substitutes: list[SubstituteOffer] = strawberry.field(
        default_factory=list, description="When the review did not accept: products in stock that could replace "
                                          "a line's product (R10).")
    rush_moves: list[RushMove] = strawberry.field(
        default_factory=list, description="For a rush order: the planned orders it would take capacity from, moved "
                                          "or split without asking, or asked first (`negotiated`, R15). Empty "
                                          "when it needs none. Not for partners (FORBIDDEN).")
    tentative: bool = strawberry.field(
        default=False, description="True when the promise would be tentative: customers must first agree to give "
                                   "way (createOrder then leaves the order RECEIVED with `tentativeDate`).")
    errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the quote could not be made (e.g. unknown customer or sku); empty "
                                          "on success.")

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
        return cls(review=review, promised_date=None if r.sign_offs else r.promised_date, rush=r.rush,
                   sign_offs_needed=r.sign_offs, priority_tier=r.priority_tier, substitutes=OrderPayload.offers(r),
                   errors=[], rush_moves=[RushMove.from_result(m) for m in r.rush_moves], tentative=r.tentative)
