"""Rows as PostgreSQL COPY text (timestamps in UTC), a column at a time: much faster than row by row."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import floordiv, itemgetter, sub
from typing import Any

import numpy as np
from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, Table
from sqlalchemy.types import TypeDecorator

Row = dict[str, Any]  # one row: column name -> value

NULL = "\\N"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# Characters COPY's text format gives a meaning to; values holding one must be escaped.
SPECIAL = ("\\", "\t", "\n", "\r")


def escaped(texts: list[str | None]) -> list[str]:
    """The texts escaped for COPY, None as NULL."""
    # One scan of the joined column (NUL cannot occur in PostgreSQL text) instead of four per value.
    joined = "\0".join(filter(None, texts))
    if any(c in joined for c in SPECIAL):
        texts = [None if t is None else t.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                 .replace("\r", "\\r") for t in texts]
    return _nulls(texts)


def _nulls(texts: list[str | None]) -> list[str]:
    """None as NULL; a column without None (most are) is passed as it is."""
    return [NULL if t is None else t for t in texts] if None in texts else texts  # type: ignore[return-value]


def _text(values: list[Any]) -> list[str]:
    """str() of each value, None as NULL: one call per value in C (map) where the column has no None."""
    if None in values:
        return [NULL if v is None else str(v) for v in values]
    return list(map(str, values))


def _json_dumps() -> Callable[[Any], str]:
    """json.dumps with its default settings, without building an encoder per call (400k calls on `large`).

    The C encoder json.dumps itself builds, made once: the same text (no circular-reference check, and
    the demo's values hold no cycles); plain json.dumps where Python was built without it.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    encode = make(None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
                  False, False, True)
    return lambda value: "".join(encode(value, 0))


DUMPS = _json_dumps()


def _json(values: list[Any]) -> list[str]:
    # Rows often share one value object (a status, an empty list): serialise each object once.
    seen: dict[int, str] = {}
    texts = []
    for v in values:
        key = id(v)
        if key not in seen:
            seen[key] = DUMPS(v)
        texts.append(seen[key])
    return escaped([None if v is None else t for v, t in zip(values, texts, strict=True)])


def _timestamps(values: list[datetime | None]) -> list[str]:
    """UTC wall-clock text, for a session whose TimeZone is UTC; a column holding a naive datetime is written
    with str(), which that session reads as UTC too."""
    try:
        return _utc_texts(values)
    except TypeError:  # a naive datetime cannot be subtracted from the aware epoch
        return _strings(values)


def _utc_texts(values: list[datetime | None]) -> list[str]:
    # numpy formats a column three times faster than datetime.isoformat() does value by value.
    if None in values:
        stamps = np.array([0 if v is None else (v - EPOCH) // MICROSECOND for v in values], dtype="datetime64[us]")
        texts = np.datetime_as_string(stamps).tolist()
        return [NULL if v is None else t for v, t in zip(values, texts, strict=True)]
    # The same arithmetic mapped in C, for a column without None (most are).
    micros = map(floordiv, map(sub, values, repeat(EPOCH)), repeat(MICROSECOND))
    stamps = np.fromiter(micros, dtype=np.int64, count=len(values)).astype("datetime64[us]")
    return np.datetime_as_string(stamps).tolist()


def _converter(table: Table, column: str) -> Callable[[list[Any]], list[str]]:
    """How one column's values become text; only strings and JSON can hold characters that need escaping."""
    kind = table.c[column].type
    if isinstance(kind, TypeDecorator):
        # What the database stores (UtcDateTime is a DateTime): before, every timestamp went through str(),
        # several times slower than the numpy path.
        kind = kind.impl_instance
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
        return _text
    return _strings


def _strings(values: list[Any]) -> list[str]:
    kinds = set(map(type, values))
    if kinds <= {str, type(None)}:  # already text (the usual case): nothing to convert
        return escaped(values)
    return escaped([None if v is None else str(v) for v in values])


def columns_text(table: Table, columns: dict[str, list[Any]], json_texts: frozenset[str] = frozenset()) -> str:
    """COPY text of rows given a column at a time (lists of one length); `\\N` stays unescaped because no value
    converts to it. Columns named in json_texts hold JSON already written as text."""
    texts = [escaped(values) if name in json_texts else _converter(table, name)(values)
             for name, values in columns.items()]
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def copy_chunks(table: Table, columns: list[str], rows: Sequence[Row], chunk_rows: int) -> Iterator[tuple[int, str]]:
    """(row count, COPY text) per chunk of rows."""
    # The chunk's values a column at a time: the lookups and the transposition run in C.
    values_of = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    for start in range(0, len(rows), chunk_rows):
        chunk = rows[start : start + chunk_rows]
        by_column = zip(*map(values_of, chunk), strict=True)
        yield len(chunk), columns_text(table, {name: list(values) for name, values in zip(columns, by_column,
                                                                                           strict=True)})
