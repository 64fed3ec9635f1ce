"""Production order mutations: check the role, call the domain use case, shape the payload."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.node import parse_global_id
from api.core.permissions import require
from api.production.types import ProductionOrder, ProductionOrderPayload, ReleaseProductionOrderInput
from domain.access import Principal
from domain.errors import NotFound
from domain.models import ProductionOrder as ProductionOrderRow
from domain.models import Role
from domain.orders.production_orders import release_production_order

Info = strawberry.Info[Context, None]


@strawberry.type
class ProductionMutations:
    @strawberry.mutation(description="Planner: a SUGGESTED production order becomes RELEASED; the replan plans it.")
    async def release_production_order(
        self, info: Info, input: Annotated[ReleaseProductionOrderInput, strawberry.argument(
            description="Which production order to release.")],
    ) -> ProductionOrderPayload:
        type_name, pk = parse_global_id(input.id)

        async def use_case(session: AsyncSession, principal: Principal) -> ProductionOrderRow:
            require(principal, Role.PLANNER)
            if type_name != "ProductionOrder":
                raise NotFound("not the id of a production order", ["id"])
            return await release_production_order(session, pk)

        outcome = await run_use_case(info, use_case)
        row = outcome.value
        return ProductionOrderPayload(production_order=None if row is None else ProductionOrder.from_row(row),
                                      errors=outcome.errors)
