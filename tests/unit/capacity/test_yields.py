"""The observed yield a plan and a promise gross up by: good over started, 1.0 without history, bounded below."""

from __future__ import annotations

import pytest

from domain.capacity.yields import LOWEST_YIELD, NO_HISTORY, yield_of


def test_no_history_plans_every_unit_good() -> None:
    assert yield_of(0.0, 0.0) == NO_HISTORY == 1.0


def test_yield_is_good_units_over_units_started() -> None:
    assert yield_of(95.0, 5.0) == pytest.approx(0.95)
    assert yield_of(100.0, 0.0) == 1.0


def test_a_bad_run_is_bounded_below() -> None:
    assert yield_of(10.0, 90.0) == LOWEST_YIELD == 0.8
    assert yield_of(0.0, 3.0) == LOWEST_YIELD
