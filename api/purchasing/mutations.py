"""recordMaterialReceipt: check the role, call the domain use case, shape the payload. No decision lives here."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.alerts.types import Alert
from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.purchasing.types import Material, MaterialPayload, MaterialReceipt, MaterialReceiptInput
from domain import clock
from domain.access import Principal
from domain.models import Role
from domain.purchasing import MaterialPosition, ReceiptInput, ReceiptOutcome, record_material_receipt
from domain.purchasing.queries import position_of

Info = strawberry.Info[Context, None]


@strawberry.type
class PurchasingMutations:
    @strawberry.mutation(description="Purchasing: goods in. On hand rises, the expected receipts it answers are "
                                     "consumed, and the material's shortage alerts close once the plan is covered.")
    async def record_material_receipt(
        self, info: Info,
        input: Annotated[MaterialReceiptInput, strawberry.argument(description="The goods received.")],
    ) -> MaterialPayload:
        data = ReceiptInput(input.material_code, input.quantity, input.received_on, input.idempotency_key)

        async def use_case(session: AsyncSession, principal: Principal) -> tuple[ReceiptOutcome, MaterialPosition]:
            outcome = await record_material_receipt(session, require(principal, Role.PURCHASING), data,
                                                    broker=info.context.events)
            return outcome, await position_of(session, outcome.material.id, clock.today())

        result = await run_use_case(info, use_case)
        if result.value is None:
            return MaterialPayload(material=None, receipt=None, closed_alerts=[], still_short=False, replayed=False,
                                   errors=result.errors)
        outcome, position = result.value
        return MaterialPayload(
            material=Material.from_position(position),
            receipt=MaterialReceipt.from_row(outcome.receipt, outcome.material.code),
            closed_alerts=[Alert.from_row(a) for a in outcome.closed_alerts],
            still_short=position.short, replayed=outcome.replayed, errors=[],
        )
