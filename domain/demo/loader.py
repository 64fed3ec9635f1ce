"""Writes a generated plant into an empty database with bulk Core inserts, then moves the id sequences on."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import JSON, Connection, Engine, Table, func, insert, select, text
from tqdm import tqdm

from domain.demo.generate import DEFAULT_SEED, generate_plant
from domain.demo.plant import DemoPlant, Row
from domain.demo.sizes import DemoSize, size_named
from domain.errors import DatabaseNotEmpty
from domain.models import Customer, Order, Product, ProductionLine

BATCH_ROWS = 5_000
# Any row here means someone's plant is already in the database.
PLANT_TABLES = (Customer, Product, ProductionLine, Order)


@dataclass(frozen=True)
class LoadReport:
    size: str
    seed: int
    today: date
    skipped: bool
    rows: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    insert_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def database_is_empty(conn: Connection) -> bool:
    return all(conn.scalar(select(func.count()).select_from(model)) == 0 for model in PLANT_TABLES)


def _copy_rows(conn: Connection, table: Table, rows: list[Row], bar: tqdm) -> None:  # type: ignore[type-arg]
    """PostgreSQL COPY through the driver: several times faster than multi-row INSERTs for large plants."""
    columns = list(rows[0])
    as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for count, row in enumerate(rows, 1):
            copy.write_row([json.dumps(row[c]) if c in as_json and row[c] is not None else row[c] for c in columns])
            if count % BATCH_ROWS == 0:
                bar.update(BATCH_ROWS)
    bar.update(len(rows) % BATCH_ROWS)


def insert_plant(conn: Connection, plant: DemoPlant, progress: bool = False, copy: bool | None = None) -> None:
    """Bulk-insert every row in foreign-key order; ids come from the plant, not the database.

    Core executemany in batches everywhere; COPY on PostgreSQL unless copy=False.
    """
    postgres = conn.dialect.name == "postgresql"
    use_copy = postgres if copy is None else copy and postgres
    with tqdm(total=plant.total_rows, unit="rows", desc="demo plant", disable=not progress) as bar:
        for table, rows in plant.tables():
            bar.set_postfix_str(table.name)
            if use_copy:
                _copy_rows(conn, table, rows, bar)
                continue
            for start in range(0, len(rows), BATCH_ROWS):
                batch = rows[start : start + BATCH_ROWS]
                conn.execute(insert(table), batch)
                bar.update(len(batch))
    if postgres:
        # Ids were given explicitly, so the sequences still stand at 1: move them past the rows.
        for table, _ in plant.tables():
            if "id" in table.c:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM \"{table.name}\"))"))


def load_demo(engine: Engine, size: DemoSize | str, seed: int = DEFAULT_SEED, today: date | None = None, *,
              if_empty: bool = False, progress: bool = False) -> LoadReport:
    """Generate and load a demo plant in one transaction.

    Refuses (DatabaseNotEmpty) when the database already holds a plant; with if_empty it skips instead.
    """
    plan = size_named(size) if isinstance(size, str) else size
    day = today or date.today()
    with engine.begin() as conn:
        if not database_is_empty(conn):
            if if_empty:
                return LoadReport(plan.name, seed, day, skipped=True)
            raise DatabaseNotEmpty("the database already holds customers, products, lines or orders; "
                                   "load the demo into an empty database (or pass --if-empty to skip)")
        started = time.perf_counter()
        plant = generate_plant(plan, seed, day)
        generated = time.perf_counter()
        insert_plant(conn, plant, progress)
    done = time.perf_counter()
    rows = {table.name: len(table_rows) for table, table_rows in plant.tables()}
    return LoadReport(plan.name, seed, day, False, rows, generated - started, done - generated)
