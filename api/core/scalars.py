"""Date, DateTime and Decimal as the API reads them: a clear message for a malformed value, and a range every
domain calculation and both databases can hold (year 9999 plus a week overflowed; 1e300 units overflowed sums)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from operator import methodcaller

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from domain.bounds import EARLIEST_YEAR, LATEST_YEAR

# Money and quantities beyond this are typing mistakes, and their products would not fit a NUMERIC(18, x).
LARGEST_DECIMAL = decimal.Decimal("1e12")


def _refuse(type_name: str, value: object, why: str) -> StrawberryInputCoercionError:
    return StrawberryInputCoercionError(f'Value cannot represent a {type_name}: "{value}". {why}')


def _in_years(type_name: str, value: object, year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise _refuse(type_name, value, f"The year must lie between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def _parse_date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise _refuse("Date", value, "Expected a string such as 2026-11-30.")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _refuse("Date", value, "Expected a calendar date written YYYY-MM-DD, e.g. 2026-11-30.") from None
    _in_years("Date", value, day.year)
    return day


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise _refuse("DateTime", value, "Expected a string such as 2026-11-30T14:00:00Z.")
    try:
        instant = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise _refuse("DateTime", value, "Expected an ISO 8601 instant, e.g. 2026-11-30T14:00:00Z.") from None
    _in_years("DateTime", value, instant.year)
    return instant


def _parse_decimal(value: object) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _refuse("Decimal", value, "Expected a number or a string such as \"12.50\".")
    try:
        number = decimal.Decimal(str(value))
    except decimal.DecimalException:
        raise _refuse("Decimal", value, "Expected a decimal number such as 12.50.") from None
    if not number.is_finite() or abs(number) >= LARGEST_DECIMAL:
        raise _refuse("Decimal", value, f"Expected a finite number smaller than {LARGEST_DECIMAL:,.0f} in size.")
    return number


def _definition(name: str, description: str, parse: Callable[[object], object], serialize: Callable[..., object],
                origin: type) -> ScalarDefinition:
    # Same names and descriptions as strawberry's own: the exported schema does not change.
    return ScalarDefinition(name=name, description=description, specified_by_url=None, serialize=serialize,
                            parse_value=parse, parse_literal=None, origin=origin)


SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.date: _definition("Date", "Date (isoformat)", _parse_date, methodcaller("isoformat"), dt.date),
    dt.datetime: _definition("DateTime", "Date with time (isoformat)", _parse_datetime, methodcaller("isoformat"),
                             dt.datetime),
    decimal.Decimal: _definition("Decimal", "Decimal (fixed-point)", _parse_decimal, str, decimal.Decimal),
}
