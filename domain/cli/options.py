"""Option types shared by the `sop` commands."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from domain.bounds import EARLIEST_YEAR, LATEST_YEAR


class Day(click.ParamType):
    """A day as YYYY-MM-DD within the years the domain accepts (year 9999 plus a week overflows)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a day as YYYY-MM-DD", param, ctx)
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            self.fail(f"{value} is outside the years {EARLIEST_YEAR}..{LATEST_YEAR}", param, ctx)
        return day


DAY = Day()
