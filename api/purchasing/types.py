"""The Material type with its weeks, shortages and purchase suggestions; the receipt input and payload."""

from __future__ import annotations

from datetime import date

import strawberry

from api.alerts.types import Alert
from api.core.errors import UserError
from api.core.node import global_id
from domain.models import MaterialReceipt as ReceiptRow
from domain.purchasing import MaterialPosition


@strawberry.type(description="Material expected in and not received yet (a purchase order line).")
class ReceiptDue:
    date: date = strawberry.field(description="The day it is due.")
    quantity: float = strawberry.field(description="Units still to come.")


@strawberry.type(description="One week of a material under the plan in force.")
class MaterialWeek:
    week: date = strawberry.field(description="The week's Monday.")
    need: float = strawberry.field(description="What the plan's items not made yet need that week (BOM explosion).")
    receipts: float = strawberry.field(description="Receipts due that week (overdue ones in the first week).")
    balance: float = strawberry.field(description="Projected balance at the week's end: on hand plus receipts less "
                                                  "needs so far; negative when short.")


@strawberry.type(description="A week the projected balance falls short, and the last day to order for it.")
class MaterialShortage:
    week: date = strawberry.field(description="The week the material runs short.")
    quantity: float = strawberry.field(description="What that week adds to the shortfall.")
    order_by: date = strawberry.field(description="The week less the material's lead time.")
    overdue: bool = strawberry.field(description="orderBy has passed: a purchase placed today arrives late.")


@strawberry.type(description="A purchase that covers a shortage: how much, ordered by when (R10).")
class PurchaseSuggestion:
    quantity: float = strawberry.field(description="Units that bring the week's projected balance back to zero.")
    order_by: date = strawberry.field(description="The latest day to order (today when already past).")
    needed_by: date = strawberry.field(description="The week of the shortage it covers.")
    arrives: date = strawberry.field(description="When a purchase placed on orderBy comes in.")
    late: bool = strawberry.field(description="Even placed on orderBy it arrives after the week begins.")


@strawberry.type(description="A raw material or component: stock, lead time, receipts due and what the plan in "
                             "force needs of it week by week (R9, R10). Plant-internal: not for partners.")
class Material:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    code: str = strawberry.field(description="The material's code.")
    name: str = strawberry.field(description="The material's name.")
    unit: str = strawberry.field(description="The unit its quantities are in.")
    on_hand: float = strawberry.field(description="Units in stock.")
    lead_time_days: int = strawberry.field(description="Days from a purchase to its arrival.")
    key_component: bool = strawberry.field(description="Checked in order review (R3).")
    receipts_due: list[ReceiptDue] = strawberry.field(description="Receipts expected, earliest first.")
    weeks: list[MaterialWeek] = strawberry.field(description="This week to the end of the plan's horizon.")
    shortages: list[MaterialShortage] = strawberry.field(description="Weeks the projected balance falls short.")
    purchase_suggestions: list[PurchaseSuggestion] = strawberry.field(
        description="Purchases that would cover the shortages.")
    short: bool = strawberry.field(description="The plan in force needs more than will be there.")

    @classmethod
    def from_position(cls, position: MaterialPosition) -> Material:
        m = position.material
        return cls(
            id=global_id("Material", m.id), code=m.code, name=m.name, unit=m.unit, on_hand=m.on_hand,
            lead_time_days=m.lead_time_days, key_component=m.key_component,
            receipts_due=[ReceiptDue(date=d, quantity=q) for d, q in position.receipts_due],
            weeks=[MaterialWeek(week=w.week, need=w.need, receipts=w.receipts, balance=w.balance)
                   for w in position.weeks],
            shortages=[MaterialShortage(week=s.week, quantity=s.quantity, order_by=s.order_by, overdue=s.overdue)
                       for s in position.shortages],
            purchase_suggestions=[PurchaseSuggestion(quantity=s.quantity, order_by=s.order_by, needed_by=s.needed_by,
                                                     arrives=s.arrives, late=s.late) for s in position.suggestions],
            short=position.short,
        )


@strawberry.type(description="Goods in, as purchasing recorded them.")
class MaterialReceipt:
    id: strawberry.ID = strawberry.field(description="Opaque global id.")
    material_code: str = strawberry.field(description="The material received.")
    quantity: float = strawberry.field(description="Units received.")
    received_on: date = strawberry.field(description="The day the goods came in.")
    received_by: str | None = strawberry.field(description="Who recorded it (role:key name).")

    @classmethod
    def from_row(cls, row: ReceiptRow, material_code: str) -> MaterialReceipt:
        return cls(id=global_id("MaterialReceipt", row.id), material_code=material_code, quantity=row.quantity,
                   received_on=row.received_on or row.due_date, received_by=row.received_by)


@strawberry.input(description="Goods in: the material, how much and when (purchasing).")
class MaterialReceiptInput:
    material_code: str = strawberry.field(description="The material's code.")
    quantity: float = strawberry.field(description="Units received; more than zero.")
    received_on: date = strawberry.field(description="The day they came in; not in the future.")
    idempotency_key: str | None = strawberry.field(
        default=None, description="The same key and body return the first answer again and change nothing.")


@strawberry.type(description="The material after a receipt, the receipt, and the alerts it closed.")
class MaterialPayload:
    material: Material | None = strawberry.field(description="The material's position after the receipt.")
    receipt: MaterialReceipt | None = strawberry.field(description="The receipt recorded.")
    closed_alerts: list[Alert] = strawberry.field(description="Shortage alerts the receipt answered and closed.")
    still_short: bool = strawberry.field(description="The plan in force still needs more than will be there.")
    replayed: bool = strawberry.field(description="The first answer to this idempotency key, sent again.")
    errors: list[UserError] = strawberry.field(description="What was refused and why.")
