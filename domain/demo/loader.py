"""Writes a generated plant into an empty database with bulk Core inserts, then moves the id sequences on."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from tqdm import tqdm

from domain import clock
from domain.db import async_engine
from domain.demo.generate import DEFAULT_SEED, collector_paused, generate_plant
from domain.demo.plant import DemoPlant
from domain.demo.postgres_load import (
    copy_rows,
    foreign_keys_checked_at_end,
    indexes_built_at_end,
    move_sequences,
    prepare_session,
)
from domain.demo.sizes import DemoSize, size_named
from domain.demo.streaming import generate_and_copy
from domain.errors import DatabaseNotEmpty
from domain.models import Customer, Order, Product, ProductionLine
from domain.orders import BookingReport, book_open_orders_in_batch

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
    # On PostgreSQL the load runs during generation: this is only the time left after generation ended.
    insert_seconds: float = 0.0
    booking: BookingReport = field(default_factory=BookingReport)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def database_is_empty(conn: Connection) -> bool:
    return all(conn.scalar(select(func.count()).select_from(model)) == 0 for model in PLANT_TABLES)


def insert_plant(conn: Connection, plant: DemoPlant, progress: bool = False, copy: bool | None = None) -> None:
    """Bulk-insert every row in foreign-key order; ids come from the plant, not the database.

    COPY on PostgreSQL (unless copy=False) with foreign keys checked and indexes built once at the end; Core executemany
    in batches otherwise.
    """
    postgres = conn.dialect.name == "postgresql"
    use_copy = postgres if copy is None else copy and postgres
    tables = list(plant.tables())
    if postgres:
        prepare_session(conn)
    with tqdm(total=plant.total_rows, unit="rows", desc="demo plant", disable=None if progress else True) as bar:
        if use_copy:
            names = [table.name for table, _ in tables]
            with foreign_keys_checked_at_end(conn, names), indexes_built_at_end(conn, names):
                for table, rows in tables:
                    bar.set_postfix_str(table.name)
                    copy_rows(conn, table, rows, bar)
                bar.set_postfix_str("building indexes, checking foreign keys")
        else:
            for table, rows in tables:
                bar.set_postfix_str(table.name)
                for start in range(0, len(rows), BATCH_ROWS):
                    batch = rows[start : start + BATCH_ROWS]
                    conn.execute(insert(table), batch)
                    bar.update(len(batch))
    if postgres:
        move_sequences(conn, [table for table, _ in tables])


async def _book(engine: Engine, today: date, reserve_share: float, frozen_days: int) -> BookingReport:
    engine_async = async_engine(engine.url)
    try:
        async with engine_async.begin() as conn:
            session = AsyncSession(bind=conn, expire_on_commit=False)
            report = await book_open_orders_in_batch(session, today, reserve_share, frozen_days, actor="demo")
            await session.flush()
            return report
    finally:
        await engine_async.dispose()


def book_demo_orders(engine: Engine, today: date, reserve_share: float, frozen_days: int) -> BookingReport:
    """The loaded plant's open orders hold their hours on the capacity ledger (domain/orders/booking.py).

    On a thread of its own: the caller may already run an event loop (an async test), where asyncio.run fails.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _book(engine, today, reserve_share, frozen_days)).result()


def load_demo(engine: Engine, size: DemoSize | str, seed: int = DEFAULT_SEED, today: date | None = None, *,
              if_empty: bool = False, progress: bool = False, reserve_share: float = 0.12,
              frozen_days: int = 3, book: bool = True, generated: DemoPlant | None = None) -> LoadReport:
    """Generate and load a demo plant in one transaction.

    Refuses (DatabaseNotEmpty) when the database already holds a plant; with if_empty it skips instead.
    progress shows a bar on a terminal only: redrawn into a log or a pipe it was hundreds of lines.
    Then the open orders are booked on the capacity ledger (a second transaction: the promise path is async),
    with the capacity policy's reserve share and frozen days. `generated`: the plant generate_plant made for these
    size, seed and day already (the simulation reads it too), so it is not generated twice (SQLite only).
    """
    plan = size_named(size) if isinstance(size, str) else size
    day = today or clock.today()
    with engine.begin() as conn:
        if not database_is_empty(conn):
            if if_empty:
                return LoadReport(plan.name, seed, day, skipped=True)
            raise DatabaseNotEmpty("the database already holds customers, products, lines or orders; "
                                   "load the demo into an empty database (or pass --if-empty to skip)")
        started = time.perf_counter()
        # Formatting rows for the database makes garbage but no cycles either: the collector stays off.
        with collector_paused():
            if conn.dialect.name == "postgresql":
                plant, generate_seconds = generate_and_copy(conn, plan, seed, day, progress)
            else:
                plant = generated or generate_plant(plan, seed, day)
                generate_seconds = time.perf_counter() - started
                insert_plant(conn, plant, progress)
        conn.exec_driver_sql("ANALYZE")  # planner statistics for the bulk-loaded tables (KPI covering indexes)
    insert_seconds = time.perf_counter() - started - generate_seconds
    # Without booking (book=False) the rows are exactly the generated ones, but open orders hold no hours.
    booking = book_demo_orders(engine, day, reserve_share, frozen_days) if book else BookingReport()
    rows = {table.name: len(table_rows) for table, table_rows in plant.tables()}
    return LoadReport(plan.name, seed, day, False, rows, generate_seconds, insert_seconds, booking)
