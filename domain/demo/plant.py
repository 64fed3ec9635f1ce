"""The generated plant as plain rows per table, with ids assigned here so loading needs no round-trips."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table

from domain.models import Base

Row = dict[str, Any]


class DemoPlant:
    """Rows keyed by table name; `add` numbers them 1, 2, 3... in the order they are generated.

    A table's rows are a list of dicts, or a sequence that keeps them as columns (the order history: see
    domain/demo/event_log.py) and gives them out as dicts.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        # Every generated timestamp lies at or before this instant: "now" in the demo's world.
        self.now = datetime.combine(today, time(12, 0), tzinfo=UTC)
        self.rows: dict[str, Sequence[Row]] = {}
        self._lists: dict[str, list[Row]] = {}  # the tables add and link write, the same lists as in rows

    def _list(self, table: str) -> list[Row]:
        rows = self._lists.get(table)
        if rows is None:
            if table in self.rows:
                raise ValueError(f"{table} rows are kept as columns: add them there")
            rows = self._lists[table] = []
            self.rows[table] = rows
        return rows

    def add(self, table: str, **values: Any) -> int:
        rows = self._lists.get(table) or self._list(table)  # a million calls on `large`: the common case first
        values["id"] = number = len(rows) + 1
        rows.append(values)
        return number

    def link(self, table: str, **values: Any) -> None:
        """A row of an association table (no id column)."""
        self._list(table).append(values)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    @property
    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def tables(self) -> Iterator[tuple[Table, Sequence[Row]]]:
        """Tables in foreign-key order (parents first), with their rows."""
        for table in Base.metadata.sorted_tables:
            rows = self.rows.get(table.name)
            if rows:
                yield table, rows

    def fingerprint(self) -> str:
        """A hash of every row, so two generations can be compared cheaply."""
        digest = hashlib.sha256()
        for table, rows in self.tables():
            digest.update(table.name.encode())
            for row in rows:
                digest.update(json.dumps(row, sort_keys=True, default=str).encode())
        return digest.hexdigest()
