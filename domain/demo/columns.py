"""Rows of a large demo table kept as columns (one list per column, no dict per row), given to COPY as text a
column at a time and to everyone else as dict rows."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import Any, overload

from sqlalchemy import Table

from domain.copy_text import columns_text
from domain.demo.plant import Row


class Columnar(Sequence[Row]):
    """A table's rows in generation order; indexing makes dicts (as plant.add would have), copy_text does not.

    A row is never changed once added.
    """

    columns: tuple[str, ...]

    @abstractmethod
    def _row(self, i: int) -> Row: ...

    @abstractmethod
    def copy_text(self, start: int, stop: int) -> str:
        """The COPY text of rows start..stop-1 (0-based), columns in `columns`' order, timestamps in UTC."""

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._row(index)

    def __iter__(self) -> Iterator[Row]:
        return (self._row(i) for i in range(len(self)))


class ColumnTable(Columnar):
    """Rows given a column at a time (Python lists of plain values, e.g. from numpy's tolist()); ids 1, 2, 3...

    Columns named in json_texts hold JSON as text, written once by the generator: rows read them back as values.
    """

    def __init__(self, table: Table, columns: dict[str, list[Any]], json_texts: frozenset[str] = frozenset()) -> None:
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"{table.name}: columns of different lengths {sorted(lengths)}")
        self.table = table
        self._values = {**columns, "id": list(range(1, (lengths.pop() if lengths else 0) + 1))}
        self.columns = tuple(self._values)
        self._lists = [self._values[name] for name in self.columns[:-1]]  # every column but the ids
        self.json_texts = json_texts

    def __len__(self) -> int:
        return len(self._values["id"])

    def append(self, **values: Any) -> int:
        """One more row, with every column; returns its id."""
        if len(values) != len(self.columns) - 1:  # a missing column raises KeyError below, before any append
            raise ValueError(f"{self.table.name}: a row needs {list(self.columns[:-1])}, got {sorted(values)}")
        row = [values[name] for name in self.columns[:-1]]
        for column, value in zip(self._lists, row, strict=True):
            column.append(value)
        ids = self._values["id"]
        ids.append(len(ids) + 1)
        return len(ids)

    def _row(self, i: int) -> Row:
        return {name: json.loads(values[i]) if name in self.json_texts else values[i]
                for name, values in self._values.items()}

    def copy_text(self, start: int, stop: int) -> str:
        return columns_text(self.table, {name: values[start:stop] for name, values in self._values.items()},
                            self.json_texts)
