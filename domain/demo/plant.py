"""The generated plant as plain rows per table, with ids assigned here so loading needs no round-trips."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Table

from domain.models import Base

Row = dict[str, Any]


class DemoPlant:
    """Rows keyed by table name; `add` numbers them 1, 2, 3... in the order they are generated."""

    def __init__(self, today: date) -> None:
        self.today = today
        # Every generated timestamp lies at or before this instant: "now" in the demo's world.
        self.now = datetime.combine(today, time(12, 0), tzinfo=UTC)
        self.rows: dict[str, list[Row]] = {}

    def add(self, table: str, **values: Any) -> int:
        rows = self.rows.get(table)
        if rows is None:
            rows = self.rows[table] = []
        values["id"] = number = len(rows) + 1
        rows.append(values)
        return number

    def link(self, table: str, **values: Any) -> None:
        """A row of an association table (no id column)."""
        self.rows.setdefault(table, []).append(values)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))

    @property
    def total_rows(self) -> int:
        return sum(len(rows) for rows in self.rows.values())

    def tables(self) -> Iterator[tuple[Table, list[Row]]]:
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
