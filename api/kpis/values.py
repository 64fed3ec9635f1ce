"""The KpiValue type: one KPI with its numerator and denominator, exact where they are counts or money."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.core.convert import from_attributes, money
from api.core.enums import expose_enum
from domain import kpis
from domain.kpis import KPI_DEFINITIONS, KPI_MEASURES, Measure

expose_enum(Measure, "KpiMeasure", "What a KPI's numerator or denominator counts.", {
    "COUNT": "A number of things (orders, complaints): served exact in numeratorCount / denominatorCount.",
    "UNITS": "A quantity of product in units (fractions allowed): read numerator / denominator.",
    "MONEY": "An amount in the company currency: served to the cent in numeratorAmount / denominatorAmount.",
})


@strawberry.type(description="One KPI with what it was computed from, so a person can check it.")
class KpiValue:
    name: str = strawberry.field(
        description="The KPI, as its field in KpiReport is named (e.g. `orderFulfillmentRate`).")
    value: float | None = strawberry.field(description="Null when the denominator is empty; `reason` says why.")
    numerator: float | None = strawberry.field(
        description="The figure above the line as a float, whatever it measures (numeratorMeasure says what): "
        "for counts and money prefer the exact numeratorCount / numeratorAmount. Null when the KPI has none.")
    denominator: float | None = strawberry.field(
        description="The figure below the line as a float (denominatorMeasure says what): for counts and money "
        "prefer denominatorCount / denominatorAmount. Null when the KPI has none (a total such as revenue).")
    numerator_measure: Measure | None = strawberry.field(
        description="What the numerator counts; null when the KPI has none (orderResponseHours is a median).")
    denominator_measure: Measure | None = strawberry.field(
        description="What the denominator counts; null when the KPI has none (revenue and output are totals).")
    numerator_count: int | None = strawberry.field(
        description="The numerator as a whole number when it is a COUNT (e.g. orders on time); null otherwise.")
    denominator_count: int | None = strawberry.field(
        description="The denominator as a whole number when it is a COUNT (e.g. orders promised); null otherwise.")
    numerator_amount: Decimal | None = strawberry.field(
        description="The numerator in the company currency, to the cent, when it is MONEY; null otherwise.")
    denominator_amount: Decimal | None = strawberry.field(
        description="The denominator in the company currency, to the cent, when it is MONEY; null otherwise.")
    reason: str | None = strawberry.field(
        description="Why `value` is null (e.g. no order was completed in the period); null when there is a value.")
    unit: str = strawberry.field(
        description="What `value` is in: `ratio` (a share or change: 0.95 is 95%), `hours`, `turns`, `units` or "
        "`money` (the company currency).")
    definition: str = strawberry.field(description="How the KPI is computed (the normative definition).")

    @classmethod
    def of(cls, v: kpis.KpiValue) -> KpiValue:
        above, below = KPI_MEASURES[v.name]
        return from_attributes(
            cls, v, definition=KPI_DEFINITIONS[v.name], numerator_measure=above, denominator_measure=below,
            numerator_count=_count(above, v.numerator), denominator_count=_count(below, v.denominator),
            numerator_amount=_amount(above, v.numerator), denominator_amount=_amount(below, v.denominator),
        )


def _count(measure: Measure | None, figure: float | None) -> int | None:
    return round(figure) if measure is Measure.COUNT and figure is not None else None


def _amount(measure: Measure | None, figure: float | None) -> Decimal | None:
    return money(figure) if measure is Measure.MONEY and figure is not None else None
