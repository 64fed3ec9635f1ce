"""An empty period: every ratio is null with a reason, sums are zero, nothing divides by zero."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from domain.errors import InvalidInput
from domain.kpis import KPI_DEFINITIONS, Period, kpi_report
from tests.integration.kpis.factories import product


def test_every_kpi_of_an_empty_database_is_null_with_a_reason_or_zero(session: Session) -> None:
    product(session, on_hand=0)  # a product without stock: stock value 0
    session.commit()
    report = kpi_report(session, Period(date(2024, 1, 1), date(2024, 4, 1)))
    assert set(report.kpis) == set(KPI_DEFINITIONS)
    for name, kpi in report.kpis.items():
        if name in ("revenue", "output"):
            assert kpi.value == 0, name
        else:
            assert kpi.value is None, name
            assert kpi.reason, f"{name} is null without a reason"


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    # tried: from 2024-04-01 to 2024-01-01
    with pytest.raises(InvalidInput, match="'to' \\(2024-01-01\\) must be after 'from' \\(2024-04-01\\)"):
        Period(date(2024, 4, 1), date(2024, 1, 1))
