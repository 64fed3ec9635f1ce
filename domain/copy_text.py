"""Rows as PostgreSQL COPY text (timestamps in UTC), a column at a time: much faster than row by row."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, Table

Row = dict[str, Any]  # one row: column name -> value

NULL = "\\N"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# Characters COPY's text format gives a meaning to; values holding one must be escaped.
SPECIAL = ("\\", "\t", "\n", "\r")


def _escaped(texts: list[str | None]) -> list[str]:
    """The texts escaped for COPY, None as NULL."""
    # One scan of the joined column (NUL cannot occur in PostgreSQL text) instead of four per value.
    joined = "\0".join(filter(None, texts))
    if any(c in joined for c in SPECIAL):
        texts = [None if t is None else t.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r") for t in texts]
    return [NULL if t is None else t for t in texts]


def _json(values: list[Any]) -> list[str]:
    # Rows often share one value object (a status, an empty list): serialise each object once.
    seen: dict[int, str] = {}
    texts = []
    for v in values:
        key = id(v)
        if key not in seen:
            seen[key] = json.dumps(v)
        texts.append(seen[key])
    return _escaped([None if v is None else t for v, t in zip(values, texts, strict=True)])


def _timestamps(values: list[datetime | None]) -> list[str]:
    """UTC wall-clock text, for a session whose TimeZone is UTC; aware datetimes only (naive ones raise)."""
    # numpy formats a column three times faster than datetime.isoformat() does value by value.
    stamps = np.array([0 if v is None else (v - EPOCH) // MICROSECOND for v in values], dtype="datetime64[us]")
    texts = np.datetime_as_string(stamps).tolist()
    return [NULL if v is None else t for v, t in zip(values, texts, strict=True)]


def _converter(table: Table, column: str) -> Callable[[list[Any]], list[str]]:
    """How one column's values become text; only strings and JSON can hold characters that need escaping."""
    kind = table.c[column].type
    if isinstance(kind, JSON):
        return _json
    if isinstance(kind, Boolean):
        return lambda values: [NULL if v is None else "t" if v else "f" for v in values]
    if isinstance(kind, DateTime):
        return _timestamps
    if isinstance(kind, Date):
        return lambda values: [NULL if v is None else v.isoformat() for v in values]
    if isinstance(kind, Integer | Float | Numeric):
        # str() of Python and numpy numbers is what PostgreSQL reads back exactly.
        return lambda values: [NULL if v is None else str(v) for v in values]
    return lambda values: _escaped([None if v is None else str(v) for v in values])


def copy_chunks(table: Table, columns: list[str], rows: list[Row], chunk_rows: int) -> Iterator[tuple[int, str]]:
    """(row count, COPY text) per chunk of rows; `\\N` stays unescaped because no value converts to it."""
    converters = [_converter(table, c) for c in columns]
    for start in range(0, len(rows), chunk_rows):
        chunk = rows[start : start + chunk_rows]
        texts = [convert([row[c] for row in chunk]) for c, convert in zip(columns, converters, strict=True)]
        yield len(chunk), "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"
