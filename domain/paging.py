"""Keyset pagination: a page of rows after a (sort value, id) position, never an OFFSET scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from domain.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    has_next: bool


@dataclass(frozen=True)
class Position:
    """Where the previous page ended: the sort value as text and the row id (the tie-breaker)."""

    value: str
    id: int


@dataclass(frozen=True)
class SortKey:
    """A sortable expression and how its values travel through a cursor as text."""

    expression: ColumnElement[Any] | InstrumentedAttribute[Any]
    parse: Callable[[str], object]
    read: Callable[[Any], object]  # the row's value of this key, in the type parse() returns

    def text_of(self, row: Any) -> str:
        value = self.read(row)
        return value.isoformat() if isinstance(value, date | datetime) else str(value)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


PARSERS: dict[str, Callable[[str], object]] = {
    "date": date.fromisoformat,
    "datetime": datetime.fromisoformat,
    "decimal": _decimal,
    "text": str,
    "int": int,
}


BIGINT = 2**63


def _bindable(value: object) -> object:
    """A cursor is base64 JSON a client can forge: refuse what no row holds and a driver cannot bind."""
    if isinstance(value, int) and not -BIGINT <= value < BIGINT:
        raise ValueError("integer out of range")
    if isinstance(value, Decimal) and (not value.is_finite() or abs(value) >= BIGINT
                                       or value.as_tuple().exponent < -6):  # type: ignore[operator]
        raise ValueError("number out of range")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("text with a NUL character")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("instant without an offset")
    return value


def after(
    key: SortKey, id_column: InstrumentedAttribute[int], position: Position, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after the position in (key, id) order; written as OR/AND so both databases bind types."""
    try:
        value = _bindable(key.parse(position.value))
        _bindable(position.id)
    except (ValueError, TypeError):
        raise InvalidInput("after: not a valid cursor for this list and ordering", ["after"]) from None
    if descending:
        return or_(key.expression < value, and_(key.expression == value, id_column < position.id))
    return or_(key.expression > value, and_(key.expression == value, id_column > position.id))


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    key: SortKey,
    id_column: InstrumentedAttribute[int],
    first: int,
    position: Position | None,
    descending: bool = False,
) -> Page[Any]:
    """One statement: the first `first` rows after `position`, plus one row to learn if more follow."""
    if position is not None:
        stmt = stmt.where(after(key, id_column, position, descending))
    order = (key.expression.desc(), id_column.desc()) if descending else (key.expression.asc(), id_column.asc())
    rows: Sequence[Any] = (await session.scalars(stmt.order_by(*order).limit(first + 1))).all()
    return Page(list(rows[:first]), len(rows) > first)
