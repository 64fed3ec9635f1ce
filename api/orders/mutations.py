"""Order mutations: check the role, call the domain use case, shape the payload. No decision lives here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.orders.cycle_inputs import DeliveryInput, PaymentInput
from api.orders.mutation_types import (
    CancelOrderInput,
    OrderInput,
    OrderPayload,
    ProposalResponseInput,
    QuotePayload,
    ShipOrderInput,
    UpdateOrderInput,
)
from api.orders.types import Order
from domain.access import Principal
from domain.models import Role, utcnow
from domain.orders.changes import cancel_order, update_order
from domain.orders.delivery import confirm_delivery
from domain.orders.payments import record_payment
from domain.orders.proposals import respond_to_proposal
from domain.orders.results import OrderResult, ReviewResult
from domain.orders.review import create_order, quote_order
from domain.orders.shipments import ship_order
from rules import RuleBook

Info = strawberry.Info[Context, None]
# Partners change their own customers' orders (scoped in the domain); planners any. The same roles ship,
# confirm deliveries and record payments: the ERP of a partner reports them for its own customers' orders.
WRITERS = (Role.PARTNER, Role.PLANNER)

# The `input` argument of each mutation, described for the schema (the input types describe their fields).
NewOrder = Annotated[OrderInput, strawberry.argument(description="The order: customer, requested date and lines.")]
OrderChange = Annotated[UpdateOrderInput, strawberry.argument(
    description="Which order, the version you read, and the new date or lines.")]
Cancellation = Annotated[CancelOrderInput, strawberry.argument(
    description="Which order, the version you read, and why.")]
ProposalAnswer = Annotated[ProposalResponseInput, strawberry.argument(
    description="Which order, the version you read, and whether the customer accepts.")]
Shipment = Annotated[ShipOrderInput, strawberry.argument(description="Which order and what left the warehouse.")]


async def _order_payload(
    info: Info, call: Callable[[AsyncSession, Principal, RuleBook], Awaitable[OrderResult]]
) -> OrderPayload:
    book: RuleBook = info.context.rule_book()

    async def use_case(session: AsyncSession, principal: Principal) -> OrderResult:
        return await call(session, require(principal, *WRITERS), book)

    outcome = await run_use_case(info, use_case)
    if outcome.value is None:
        return OrderPayload(order=None, errors=outcome.errors)
    return OrderPayload(order=Order.from_row(outcome.value.order), errors=[],
                        substitutes=OrderPayload.offers(outcome.value.review))


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Dry run: the review createOrder would give now; nothing is saved.")
    async def quote_order(self, info: Info, input: NewOrder) -> QuotePayload:
        book: RuleBook = info.context.rule_book()

        async def use_case(session: AsyncSession, principal: Principal) -> ReviewResult:
            return await quote_order(session, require(principal, *WRITERS), book, input.to_domain(),
                                     utcnow().date())

        outcome = await run_use_case(info, use_case)
        if outcome.value is None:
            return QuotePayload(review=None, promised_date=None, errors=outcome.errors)
        return QuotePayload.from_result(outcome.value)

    @strawberry.mutation(description="Review and save an order; an accepted one holds its capacity at once.")
    async def create_order(self, info: Info, input: NewOrder) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: create_order(s, p, b, input.to_domain(), utcnow().date(),
                                                                         events))

    @strawberry.mutation(description="Change the date or lines (expectedVersion required); reviewed again.")
    async def update_order(self, info: Info, input: OrderChange) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: update_order(s, p, b, input.to_domain(), utcnow().date(),
                                                                         events))

    @strawberry.mutation(description="Cancel (expectedVersion required); the reserved capacity is released.")
    async def cancel_order(self, info: Info, input: Cancellation) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: cancel_order(s, p, b, input.to_domain(), utcnow().date(),
                                                                         events))

    @strawberry.mutation(description="The customer accepts or declines a proposed date or split.")
    async def respond_to_proposal(self, info: Info, input: ProposalAnswer) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: respond_to_proposal(
            s, p, b, input.code, input.expected_version, input.accept, utcnow().date(), events))

    @strawberry.mutation(description="ERP: what left the warehouse for an order (in parts or in full); stock falls, "
                                     "deliveries are delivered, the order is SHIPPED once every unit has left.")
    async def ship_order(self, info: Info, input: Shipment) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: ship_order(s, p, input.to_domain(), events))

    @strawberry.mutation(description="ERP: the customer received a SHIPPED order (expectedVersion required): it "
                                     "becomes DELIVERED, or CLOSED when its payments already cover its amount.")
    async def confirm_delivery(
        self, info: Info,
        input: Annotated[DeliveryInput, strawberry.argument(description="The order, its version and the delivery.")],
    ) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: confirm_delivery(s, p, input.to_domain(), events))

    @strawberry.mutation(description="ERP: money received against an order (idempotent by key); a DELIVERED order "
                                     "paid in full becomes CLOSED. Overpaying, or paying a cancelled or rejected "
                                     "order, is refused.")
    async def record_payment(
        self, info: Info,
        input: Annotated[PaymentInput, strawberry.argument(description="The order, the amount and the day paid.")],
    ) -> OrderPayload:
        events = info.context.events
        return await _order_payload(info, lambda s, p, b: record_payment(s, p, input.to_domain(), events))
