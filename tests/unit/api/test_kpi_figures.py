"""KpiValue serves counts as Int and money as Decimal beside the float figures, for every KPI."""

from __future__ import annotations

from decimal import Decimal

from api.kpis.values import KpiValue
from api.schema import build_schema
from domain import kpis
from domain.kpis import KPI_DEFINITIONS, KPI_MEASURES, Measure


def test_every_kpi_says_what_its_numerator_and_denominator_count() -> None:
    assert set(KPI_MEASURES) == set(KPI_DEFINITIONS)


def test_a_count_is_a_whole_number_and_money_is_to_the_cent() -> None:
    # tried: 3 orders on time of 4 promised (floats from SQL), and a turnover of 1234.5 / 617.25 in money
    fulfilment = KpiValue.of(kpis.KpiValue("orderFulfillmentRate", 0.75, 3.0, 4.0))
    assert (fulfilment.numerator_count, fulfilment.denominator_count) == (3, 4)
    assert fulfilment.numerator_amount is None and fulfilment.numerator_measure is Measure.COUNT
    turnover = KpiValue.of(kpis.KpiValue("inventoryTurnover", 2.0, 1234.5, 617.25, None, "turns"))
    assert (turnover.numerator_amount, turnover.denominator_amount) == (Decimal("1234.50"), Decimal("617.25"))
    assert turnover.numerator_count is None and turnover.denominator_measure is Measure.MONEY


def test_a_side_the_kpi_lacks_stays_null() -> None:
    # tried: the median response time (no numerator, 5 orders measured) and revenue (a total, no denominator)
    response = KpiValue.of(kpis.KpiValue("orderResponseHours", 12.0, None, 5.0, None, "hours"))
    assert (response.numerator_measure, response.numerator_count, response.denominator_count) == (None, None, 5)
    revenue = KpiValue.of(kpis.KpiValue("revenue", 99.999, 99.999, None, None, "money"))
    assert (revenue.numerator_amount, revenue.denominator_measure, revenue.denominator_amount) == (
        Decimal("100.00"), None, None)


def test_the_schema_types_counts_as_int_and_money_as_decimal() -> None:
    fields = build_schema()._schema.type_map["KpiValue"].fields  # type: ignore[attr-defined]
    assert str(fields["numeratorCount"].type) == "Int" and str(fields["denominatorCount"].type) == "Int"
    assert str(fields["numeratorAmount"].type) == "Decimal" and str(fields["denominatorAmount"].type) == "Decimal"
    assert str(fields["numeratorMeasure"].type) == "KpiMeasure"
