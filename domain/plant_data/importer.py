"""`sop import`'s use case: read the files, check every row against the format and the database, then write it all
in one transaction (or nothing, with every problem listed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import async_engine
from domain.orders import BookingReport
from domain.plant_data.audit import audit_import, master_snapshots
from domain.plant_data.data import KnownCodes, PlantData
from domain.plant_data.problems import PlantDataRefused, Problems
from domain.plant_data.records import READERS, write_records
from domain.plant_data.source import Sheet, read_source
from domain.plant_data.write_masters import known_codes
from domain.plant_data.write_orders import book_orders, enter_orders
from rules import RuleBook

Step = Callable[[str], None]  # told each step's name as it ends (a progress bar)


@dataclass
class ImportReport:
    counts: dict[str, int]
    written: bool
    orders_entered: int = 0
    orders_kept: list[str] = field(default_factory=list)  # codes already in the database, left as they were
    booking: BookingReport = field(default_factory=BookingReport)
    audited: int = 0  # master records created or changed, each with an entry in the audit log
    actor: str = "import"  # who the audit log and the orders' history name


def read_checked(sheets: dict[str, Sheet], known: KnownCodes, problems: Problems, step: Step) -> PlantData:
    data = PlantData()
    for name, reader in READERS.items():
        if name in sheets:
            reader(sheets[name], data, known, problems)
        step(f"checked {name}")
    return data


async def _import(url: str, sheets: dict[str, Sheet], problems: Problems, today: date, book: RuleBook, check: bool,
                  actor: str, step: Step) -> ImportReport:
    engine = async_engine(url)
    try:
        async with engine.connect() as conn, conn.begin() as transaction:
            session = AsyncSession(bind=conn, expire_on_commit=False)  # as the demo books: queries see pending rows
            known = await known_codes(session)
            data = read_checked(sheets, known, problems, step)
            if problems:
                raise PlantDataRefused(problems)
            kept = sorted(set(data.orders) & known.orders)
            if check:
                await transaction.rollback()
                return ImportReport(data.counts(), written=False, orders_kept=kept)
            before = await master_snapshots(session, data)
            await write_records(session, data, actor)
            audited = await audit_import(session, data, before, actor)
            step("wrote customers, products, materials, lines and what hangs off them")
            entered = await enter_orders(session, data, known.orders, actor)
            step("entered open orders")
            booking = await book_orders(session, book, today, actor)
            await session.flush()
            step("booked and reviewed open orders")
            await transaction.commit()
            return ImportReport(data.counts(), True, entered, kept, booking, audited, actor)
    finally:
        await engine.dispose()


STEPS = len(READERS) + 3


async def import_plant(url: str, path: Path, today: date, book: RuleBook, *, check: bool = False,
                       actor: str = "import", step: Step = lambda _: None) -> ImportReport:
    """Import the plant data at path (a folder of CSV files or an .xlsx workbook) into the database at url.

    PlantDataRefused lists every problem (at most 50 a file) and nothing is written; with check, nothing is
    written either way. Open orders are booked on the ledger as createOrder books them and reviewed with the
    book's review rules (the rules in force), under its capacity policy's reserve share and frozen days."""
    problems = Problems()
    sheets = read_source(path, problems)
    if problems.fatal:
        raise PlantDataRefused(problems)
    return await _import(url, sheets, problems, today, book, check, actor, step)
