"""signOffOrder: a person's answer to the sign-off an order's review asked for (R3); the domain decides."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.mutations import run_use_case
from api.orders.mutation_types import OrderPayload
from api.orders.types import Order
from domain.access import Principal
from domain.models import utcnow
from domain.orders.results import OrderResult
from domain.orders.sign_offs import SignOffInput as DomainSignOffInput
from domain.orders.sign_offs import sign_off_order

Info = strawberry.Info[Context, None]


@strawberry.input(description="A person's answer to an order waiting RECEIVED for their role's sign-off.")
class SignOffInput:
    code: str = strawberry.field(description="The plant's order number.")
    expected_version: int = strawberry.field(description="The order's version as last read; another gives "
                                                         "VERSION_CONFLICT.")
    approve: bool = strawberry.field(description="true approves (the last approval gives the order its promise); "
                                                 "false rejects the order and releases its hold.")
    reason: str = strawberry.field(description="Why, in your words (required, at most 4000 characters); kept in "
                                               "the order's history and its signOffs.")
    override: bool = strawberry.field(default=False, description="admin only: settle every pending sign-off of the "
                                      "order in the people's place (recorded OVERRIDDEN, with the reason).")

    def to_domain(self) -> DomainSignOffInput:
        return DomainSignOffInput(self.code, self.expected_version, self.approve, self.reason, self.override)


@strawberry.type
class SignOffMutations:
    @strawberry.mutation(description="Approve or reject an order's review for your role (technology, purchasing, "
                                     "production, finance, sales), or override as admin; the history names you.")
    async def sign_off_order(
        self, info: Info,
        input: Annotated[SignOffInput, strawberry.argument(description="The order, its version and your answer.")],
    ) -> OrderPayload:
        events, book = info.context.events, info.context.rule_book()

        async def use_case(session: AsyncSession, principal: Principal) -> OrderResult:
            return await sign_off_order(session, principal, book, input.to_domain(), utcnow().date(), events)

        outcome = await run_use_case(info, use_case)
        if outcome.value is None:
            return OrderPayload(order=None, errors=outcome.errors)
        return OrderPayload(order=Order.from_row(outcome.value.order), errors=[])
