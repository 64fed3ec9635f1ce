"""Master-data mutation inputs; field names are the exchange format's columns in camelCase (docs/import/)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from domain import models


@strawberry.input(description="A customer, created or replaced whole by its code (customers.csv).")
class CustomerInput:
    code: str = strawberry.field(description="The customer's code: a new code creates, a known one replaces.")
    name: str = strawberry.field(description="The customer's name.")
    tier: models.CustomerTier = strawberry.field(description="STRATEGIC, KEY or REGULAR: decides priority.")
    price_sensitivity: str | None = strawberry.field(
        default=None, description="LOW, MEDIUM (when omitted) or HIGH: how much the customer buys on price.")
    account_owner: str | None = strawberry.field(default=None, description="The salesperson of the account.")


@strawberry.input(description="A product, created or replaced whole by its sku (products.csv).")
class ProductInput:
    sku: str = strawberry.field(description="The product's sku: a new sku creates, a known one replaces.")
    name: str = strawberry.field(description="The product's name.")
    family: str = strawberry.field(description="The product family (targets and forecasts roll up by it).")
    unit_cost: Decimal = strawberry.field(description="Cost of one unit, 0 or more.")
    list_price: Decimal = strawberry.field(description="Price of one unit when an order gives none, 0 or more.")
    maturity: models.ProcessMaturity | None = strawberry.field(
        default=None, description="How proven the process is; PROVEN when omitted.")
    safety_stock: float | None = strawberry.field(default=None, description="Units to keep in stock; 0 if omitted.")
    lot_size: float | None = strawberry.field(default=None, description="Units it is made in; any when omitted.")
    substitutes: list[str] | None = strawberry.field(
        default=None, description="Skus that may replace it when it is short; the stored list stays when omitted.")


@strawberry.input(description="A raw material, created or replaced whole by its code (materials.csv).")
class MaterialInput:
    code: str = strawberry.field(description="The material's code: a new code creates, a known one replaces.")
    name: str = strawberry.field(description="The material's name.")
    unit: str | None = strawberry.field(default=None, description="The unit it is counted in; pcs when omitted.")
    on_hand: float | None = strawberry.field(default=None, description="Quantity in stock; 0 when omitted.")
    lead_time_days: int | None = strawberry.field(default=None, description="Days to buy more; 14 when omitted.")


@strawberry.input(description="A production line, created or replaced whole by its code (lines.csv). Its hours feed "
                  "the capacity ledger at once.")
class ProductionLineInput:
    code: str = strawberry.field(description="The line's code: a new code creates, a known one replaces.")
    name: str = strawberry.field(description="The line's name.")
    weekly_capacity_hours: float = strawberry.field(description="Hours a usual week has, spread over working days.")
    working_days: list[str] | None = strawberry.field(
        default=None, description="Day names Mon, Tue, Wed, Thu, Fri, Sat, Sun; Mon to Fri when omitted.")


@strawberry.input(description="One material of a bill of materials.")
class BomItemInput:
    material_code: str = strawberry.field(description="The material's code.")
    quantity_per_unit: float = strawberry.field(description="Material used per unit of the product, above 0.")


@strawberry.input(description="A product's whole bill of materials; it replaces the stored one (bom.csv).")
class BillOfMaterialsInput:
    sku: str = strawberry.field(description="The product.")
    items: list[BomItemInput] = strawberry.field(description="Every material of the product, at least one.")


@strawberry.input(description="One line that can make the product.")
class RouteInput:
    line_code: str = strawberry.field(description="The production line's code.")
    units_per_hour: float = strawberry.field(description="Units the line makes in an hour, above 0.")


@strawberry.input(description="A product's whole routing; it replaces the stored one (routings.csv).")
class RoutingInput:
    sku: str = strawberry.field(description="The product.")
    routes: list[RouteInput] = strawberry.field(description="Every line that can make it, at least one.")


@strawberry.input(description="One day of a line's calendar: a holiday (0 hours), an extra shift or a short day.")
class CalendarDayInput:
    day: date = strawberry.field(description="The day.")
    hours: float = strawberry.field(description="The day's working hours, 0 to 24 (0: a holiday).")
    line_code: str | None = strawberry.field(default=None, description="The line; every line when omitted.")
    reason: str | None = strawberry.field(default=None, description="Why; 'holiday' or 'extra shift' if omitted.")


@strawberry.input(description="A product's safety stock alone.")
class SafetyStockInput:
    sku: str = strawberry.field(description="The product.")
    safety_stock: float = strawberry.field(description="Units to keep in stock, 0 or more.")


@strawberry.input(description="The record to retire: it leaves new orders and plans; its history stays readable.")
class RetireInput:
    code: str = strawberry.field(description="The record's code (a product's sku).")
    reason: str | None = strawberry.field(default=None, description="Why, kept in the audit log.")
