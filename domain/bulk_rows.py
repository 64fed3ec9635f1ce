"""Many new rows of one table inside a running transaction: ids handed out first, then COPY (PostgreSQL) or one
executemany (SQLite), for batch writers (an import's open orders and their booking)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domain.copy_text import Row, copy_chunks

CHUNK_ROWS = 5_000


def with_defaults(table: Table, rows: Sequence[Row]) -> list[Row]:
    """Every row with the table's Python-side column defaults filled in (COPY does not apply them)."""
    if not rows:
        return []
    missing = [c for c in table.columns if c.key not in rows[0] and c.default is not None and not c.primary_key]
    if not missing:
        return list(rows)
    filled = []
    for row in rows:
        extra = {}
        for column in missing:
            default: Any = column.default
            extra[column.key] = default.arg(None) if default.is_callable else default.arg
        filled.append({**row, **extra})
    return filled


async def new_ids(session: AsyncSession, table: Table, count: int) -> list[int]:
    """count ids for new rows of table, no other writer can take (PostgreSQL: from its sequence; SQLite: past the
    largest, as SQLite has one writer at a time)."""
    if count == 0:
        return []
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        rows = await connection.execute(
            text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, :n)"),
            {"n": count})
        return [int(row[0]) for row in rows]
    largest = int(await connection.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0)
    return list(range(largest + 1, largest + count + 1))


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Row]) -> None:
    """Insert the rows (dicts with the same keys); COPY text on PostgreSQL, one executemany elsewhere."""
    if not rows:
        return
    full = with_defaults(table, rows)
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        await connection.execute(insert(table), full)
        return
    await connection.execute(text("SET LOCAL TIME ZONE 'UTC'"))  # COPY text carries UTC timestamps, no offset
    columns = list(full[0])
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    async with driver.cursor() as cursor:
        names = ", ".join(f'"{column}"' for column in columns)
        async with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for _, chunk in copy_chunks(table, columns, full, CHUNK_ROWS):
                await copy.write(chunk)
