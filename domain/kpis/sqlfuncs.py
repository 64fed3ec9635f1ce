"""Date and time expressions that SQLite and PostgreSQL spell differently, compiled per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# Every timestamp is stored in UTC, so "the day of" an instant is its UTC calendar day.


class utc_date(FunctionElement[Any]):
    """The UTC calendar day of a timestamp."""

    type = Date()
    inherit_cache = True
    name = "utc_date"


class week_monday(FunctionElement[Any]):
    """The Monday starting the week of a date."""

    type = Date()
    inherit_cache = True
    name = "week_monday"


class hours_between(FunctionElement[Any]):
    """Hours from the first timestamp to the second (fractional)."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


class quarter_of(FunctionElement[Any]):
    """The quarter (1-4) of a date."""

    type = Integer()
    inherit_cache = True
    name = "quarter_of"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(utc_date, "postgresql")
def _utc_date_pg(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"CAST(({ts}) AT TIME ZONE 'UTC' AS DATE)"


@compiles(utc_date)
def _utc_date_sqlite(element: utc_date, compiler: SQLCompiler, **kw: Any) -> str:
    (ts,) = _args(element, compiler, **kw)
    return f"date({ts})"


@compiles(week_monday, "postgresql")
def _week_monday_pg(element: week_monday, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    # date - integer is a date; ISODOW is 1 on Monday, so no time zone is involved.
    return f"(({day}) - CAST(EXTRACT(ISODOW FROM ({day})) AS INTEGER) + 1)"


@compiles(week_monday)
def _week_monday_sqlite(element: week_monday, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    # 'weekday 0' moves forward to Sunday (or stays on one); six days back is that week's Monday.
    return f"date({day}, 'weekday 0', '-6 days')"


@compiles(hours_between, "postgresql")
def _hours_between_pg(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(EPOCH FROM (({end}) - ({start}))) / 3600.0 AS DOUBLE PRECISION)"


@compiles(hours_between)
def _hours_between_sqlite(element: hours_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


@compiles(quarter_of, "postgresql")
def _quarter_pg(element: quarter_of, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(QUARTER FROM ({day})) AS INTEGER)"


@compiles(quarter_of)
def _quarter_sqlite(element: quarter_of, compiler: SQLCompiler, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"((CAST(strftime('%m', {day}) AS INTEGER) + 2) / 3)"
