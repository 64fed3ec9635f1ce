"""Master-data mutations: admins and planners upsert and retire the plant's records; check the role, call the
domain use case (domain/masterdata), shape the payload."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.masterdata.inputs import (
    BillOfMaterialsInput,
    CalendarDayInput,
    CustomerInput,
    MaterialInput,
    ProductInput,
    ProductionLineInput,
    RetireInput,
    RoutingInput,
    SafetyStockInput,
)
from api.masterdata.types import AuditEntry, MasterDataPayload
from domain import masterdata
from domain.access import Principal
from domain.models import AuditEntry as AuditRow
from domain.models import Role

Info = strawberry.Info[Context, None]
Change = Callable[[AsyncSession, str], Awaitable[AuditRow | list[AuditRow]]]
CustomerArg = Annotated[CustomerInput, strawberry.argument(description="The customer, whole.")]
ProductArg = Annotated[ProductInput, strawberry.argument(description="The product, whole.")]
MaterialArg = Annotated[MaterialInput, strawberry.argument(description="The material, whole.")]
ProductionLineArg = Annotated[ProductionLineInput, strawberry.argument(description="The line, whole.")]
BillOfMaterialsArg = Annotated[BillOfMaterialsInput, strawberry.argument(description="The product's whole bill.")]
RoutingArg = Annotated[RoutingInput, strawberry.argument(description="The product's whole routing.")]
CalendarDayArg = Annotated[CalendarDayInput, strawberry.argument(description="The day and its hours.")]
SafetyStockArg = Annotated[SafetyStockInput, strawberry.argument(description="The product and its safety stock.")]
RetireArg = Annotated[RetireInput, strawberry.argument(description="The record to retire and why.")]
WRITERS = (Role.PLANNER,)  # and admin, who may do everything


async def _run(info: Info, change: Change) -> MasterDataPayload:
    async def use_case(session: AsyncSession, principal: Principal) -> list[AuditRow]:
        require(principal, *WRITERS)
        done = await masterdata.with_race_retries(session, lambda: change(session, principal.actor))
        return done if isinstance(done, list) else [done]

    outcome = await run_use_case(info, use_case)
    return MasterDataPayload(changes=[AuditEntry.from_row(row) for row in outcome.value or []],
                             errors=outcome.errors)


def _upsert(info: Info, entity: str, given: object) -> Awaitable[MasterDataPayload]:
    values = dataclasses.asdict(given)  # type: ignore[call-overload]
    book = info.context.rule_book()
    return _run(info, lambda session, actor: masterdata.upsert_master(
        session, actor, masterdata.MASTERS[entity], values, book))


def _retire(info: Info, entity: str, given: RetireInput) -> Awaitable[MasterDataPayload]:
    return _run(info, lambda session, actor: masterdata.retire(
        session, actor, masterdata.MASTERS[entity], given.code, given.reason))


@strawberry.type
class MasterDataMutations:
    @strawberry.mutation(description="Admin or planner: create or replace a customer by code.")
    async def upsert_customer(self, info: Info, input: CustomerArg) -> MasterDataPayload:
        return await _upsert(info, "CUSTOMER", input)

    @strawberry.mutation(description="Admin or planner: create or replace a product by sku.")
    async def upsert_product(self, info: Info, input: ProductArg) -> MasterDataPayload:
        return await _upsert(info, "PRODUCT", input)

    @strawberry.mutation(description="Admin or planner: create or replace a raw material by code.")
    async def upsert_material(self, info: Info, input: MaterialArg) -> MasterDataPayload:
        return await _upsert(info, "MATERIAL", input)

    @strawberry.mutation(description="Admin or planner: create or replace a production line by code; the capacity "
                         "ledger's weeks from now on take its new hours (refused while promised hours lose room).")
    async def upsert_production_line(self, info: Info, input: ProductionLineArg) -> MasterDataPayload:
        return await _upsert(info, "LINE", input)

    @strawberry.mutation(description="Admin or planner: replace a product's bill of materials.")
    async def upsert_bill_of_materials(self, info: Info, input: BillOfMaterialsArg) -> MasterDataPayload:
        parts = [masterdata.Part(i.material_code, i.quantity_per_unit) for i in input.items]
        return await _run(info, lambda session, actor: masterdata.set_bill(session, actor, input.sku, parts))

    @strawberry.mutation(description="Admin or planner: replace the lines that can make a product and their rates "
                         "(a line open orders or the plan in force use for it cannot be dropped).")
    async def upsert_routing(self, info: Info, input: RoutingArg) -> MasterDataPayload:
        routes = [masterdata.Route(r.line_code, r.units_per_hour) for r in input.routes]
        return await _run(info, lambda session, actor: masterdata.set_routing(session, actor, input.sku, routes))

    @strawberry.mutation(description="Admin or planner: a holiday, extra shift or short day on one line or every "
                         "line; the capacity ledger follows at once (refused while promised hours lose room).")
    async def upsert_calendar_day(self, info: Info, input: CalendarDayArg) -> MasterDataPayload:
        book = info.context.rule_book()
        return await _run(info, lambda session, actor: masterdata.set_calendar_day(
            session, actor, input.line_code, input.day, input.hours, input.reason, book))

    @strawberry.mutation(description="Admin or planner: set a product's safety stock alone.")
    async def set_safety_stock(self, info: Info, input: SafetyStockArg) -> MasterDataPayload:
        return await _run(info, lambda session, actor: masterdata.set_safety_stock(
            session, actor, input.sku, input.safety_stock))

    @strawberry.mutation(description="Admin or planner: retire a customer (refused, IN_USE, while it has open orders).")
    async def retire_customer(self, info: Info, input: RetireArg) -> MasterDataPayload:
        return await _retire(info, "CUSTOMER", input)

    @strawberry.mutation(description="Admin or planner: retire a product (refused, IN_USE, while open orders or the "
                         "plan in force use it).")
    async def retire_product(self, info: Info, input: RetireArg) -> MasterDataPayload:
        return await _retire(info, "PRODUCT", input)

    @strawberry.mutation(description="Admin or planner: retire a raw material (refused, IN_USE, while products of "
                         "open orders or of the plan in force use it).")
    async def retire_material(self, info: Info, input: RetireArg) -> MasterDataPayload:
        return await _retire(info, "MATERIAL", input)

    @strawberry.mutation(description="Admin or planner: retire a production line (refused, IN_USE, while open orders "
                         "hold its hours or the plan in force uses it).")
    async def retire_production_line(self, info: Info, input: RetireArg) -> MasterDataPayload:
        return await _retire(info, "LINE", input)
