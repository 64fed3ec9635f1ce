"""The rush review's actions (R15): record the cause, owner and due date of a rush order's follow-up, close it."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.convert import from_attributes
from api.core.errors import UserError
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.kpis.types import CloseRushActionInput, RushAction, RushActionInput, RushActionPayload
from domain import kpis
from domain.access import Principal
from domain.models import Role

Info = strawberry.Info[Context, None]


def _payload(value: kpis.RushAction | None, errors: list[UserError]) -> RushActionPayload:
    return RushActionPayload(action=None if value is None else from_attributes(RushAction, value), errors=errors)


@strawberry.type
class KpiMutations:
    @strawberry.mutation(description="Planner or admin, in the periodic rush review: why a rush order was rush, who "
                         "acts on it and by when.")
    async def record_rush_action(
        self, info: Info,
        input: Annotated[RushActionInput, strawberry.argument(description="The rush order and the finding.")],
    ) -> RushActionPayload:
        async def use_case(session: AsyncSession, principal: Principal) -> kpis.RushAction:
            require(principal, Role.PLANNER)
            return await kpis.record_rush_action(session, principal, input.order_code, input.cause, input.owner,
                                                 input.due_on, input.action)

        outcome = await run_use_case(info, use_case)
        return _payload(outcome.value, outcome.errors)

    @strawberry.mutation(description="Planner or admin: a rush order's review action is done.")
    async def close_rush_action(
        self, info: Info,
        input: Annotated[CloseRushActionInput, strawberry.argument(description="The rush order and what was done.")],
    ) -> RushActionPayload:
        async def use_case(session: AsyncSession, principal: Principal) -> kpis.RushAction:
            require(principal, Role.PLANNER)
            return await kpis.close_rush_action(session, principal, input.order_code, input.note)

        outcome = await run_use_case(info, use_case)
        return _payload(outcome.value, outcome.errors)
