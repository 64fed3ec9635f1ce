"""Period.bucket_count agrees with len(buckets()) without building them (the query cost asks it of any period)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.kpis import Granularity, Period

PERIODS = [
    (date(2024, 1, 10), date(2024, 1, 20)),  # inside two weeks, one month
    (date(2024, 1, 1), date(2024, 1, 8)),  # exactly one Monday-to-Monday week
    (date(2024, 1, 31), date(2024, 2, 1)),  # one day
    (date(2023, 11, 15), date(2024, 4, 2)),  # across a year end and a quarter start
    (date(2016, 1, 4), date(2025, 12, 22)),  # ten years of weeks: 520
    (date(1900, 1, 1), date(2999, 12, 31)),  # the widest dates the API takes
]


@pytest.mark.parametrize("granularity", list(Granularity))
@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_bucket_count_is_the_number_of_buckets(start: date, end: date, granularity: Granularity) -> None:
    period = Period(start, end)
    assert period.bucket_count(granularity) == len(period.buckets(granularity))


def test_ten_years_of_weeks() -> None:
    assert Period(date(2016, 1, 4), date(2025, 12, 22)).bucket_count(Granularity.WEEK) == 520
