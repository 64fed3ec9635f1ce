"""Option types shared by the `sop` commands."""

from __future__ import annotations

from datetime import UTC, date, datetime
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


class Instant(click.ParamType):
    """An instant as ISO 8601 with an offset (2027-01-31T18:00+01:00), or a day (YYYY-MM-DD: its midnight UTC)."""

    name = "YYYY-MM-DD[THH:MM+HH:MM]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a day (YYYY-MM-DD) or an instant such as 2027-01-31T18:00+01:00", param, ctx)
        if len(value.strip()) == len("YYYY-MM-DD"):
            return at.replace(tzinfo=UTC)
        if at.tzinfo is None:
            # A wall-clock time means something else on every machine: the operator says which zone.
            self.fail(f"{value!r} has no offset: add one, e.g. {value}+00:00", param, ctx)
        if not EARLIEST_YEAR <= at.year <= LATEST_YEAR:
            self.fail(f"{value} is outside the years {EARLIEST_YEAR}..{LATEST_YEAR}", param, ctx)
        return at


INSTANT = Instant()
