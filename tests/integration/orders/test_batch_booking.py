"""Booking open orders in one batch gives what booking them one by one gives: the same hours, dates, events.

Each plant is loaded without booking; then, in two transactions rolled back, its open orders are booked one by
one (book_open_orders) and in a batch (book_open_orders_in_batch), and everything the booking writes is compared.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

import domain.plant_data.write_orders as write_orders
from domain.config import DEFAULT_RULES_DIR
from domain.db import async_engine
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.orders import BookingReport, book_open_orders, book_open_orders_in_batch
from domain.plant_data import import_plant
from rules import load_rulebook

TODAY = date(2026, 12, 3)  # a Thursday: the running week is frozen up to Saturday
SMALL = DemoSize("small-ish", products=30, families=4, lines=5, customers=40, orders=600)
Booking = Callable[..., Awaitable[BookingReport]]

# What a booking writes, per table, keyed by order code (ids and generated codes left out; hours rounded).
HOURS, UNITS = "ROUND(CAST({} AS NUMERIC), 6)", "ROUND(CAST({} AS NUMERIC), 4)"
WRITTEN = {
    "orders": "SELECT code, status, version, promised_date FROM orders ORDER BY code",
    "reservations": f"SELECT o.code, l.line_no, r.line_id, r.week, r.from_reserve, {HOURS.format('r.hours')}, "
                    f"{UNITS.format('r.quantity')} FROM capacity_reservations r JOIN orders o ON o.id = r.order_id "
                    "JOIN order_lines l ON l.id = r.order_line_id ORDER BY 1, 2, 3, 4, 5",
    "ledger": f"SELECT line_id, week, {HOURS.format('promised_hours')}, {HOURS.format('rush_hours_used')} "
              "FROM capacity_ledger ORDER BY 1, 2",
    "production orders": f"SELECT o.code, p.product_id, p.line_id, {UNITS.format('p.quantity')}, p.due_date, "
                         "p.status FROM production_orders p JOIN orders o ON o.id = p.order_id ORDER BY 1, 2, 3, 6",
    "deliveries": "SELECT o.code, l.line_no, d.quantity, d.date, d.status FROM deliveries d JOIN orders o ON "
                  "o.id = d.order_id JOIN order_lines l ON l.id = d.order_line_id ORDER BY 1, 2, 4, 5",
    "events": "SELECT order_code, kind, message, actor FROM order_events ORDER BY 1, 2, 3",
    # the customers hear of a moved promise alike (the one-by-one path through the session's notice listener)
    "notices": "SELECT order_code, kind, message FROM notices ORDER BY 1, 2, 3",
}


async def _written(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {name: [tuple(row) for row in await conn.execute(text(sql))] for name, sql in WRITTEN.items()}


async def _book(url: str, booking: Booking, keep: bool) -> tuple[BookingReport, dict[str, list[tuple[Any, ...]]]]:
    """Book, read what was written, then roll back (or commit, with keep)."""
    engine = async_engine(url)
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            session = AsyncSession(bind=conn, expire_on_commit=False)
            report = await booking(session, TODAY, 0.12, 3, actor="test")
            await session.flush()
            written = await _written(conn)
            await (transaction.commit() if keep else transaction.rollback())
            return report, written
    finally:
        await engine.dispose()


def _compare(url: str) -> BookingReport:
    """Both bookings on the same orders; the batch's is kept (the ledger checker runs after each test here)."""
    one_report, one = asyncio.run(_book(url, book_open_orders, keep=False))
    batch_report, batch = asyncio.run(_book(url, book_open_orders_in_batch, keep=True))
    for name in WRITTEN:
        assert batch[name] == one[name], f"{name} differ between the batch and the one-by-one booking"
    assert (batch_report.booked, batch_report.moved, batch_report.unplaced) == (
        one_report.booked, one_report.moved, one_report.unplaced)
    return batch_report


def test_the_demo_plant_books_the_same_in_a_batch(db: Engine, db_url: str) -> None:
    """Input: the demo plant (ACCEPTED, SCHEDULED and rush orders, IN_PRODUCTION ones partly made) loaded without
    booking; both bookings must hold the same hours (rush reserve included) and move the same promises."""
    load_demo(db, SMALL, seed=1, today=TODAY, book=False)
    report = _compare(db_url)
    assert report.booked >= 30 and report.moved  # the comparison saw promises moved later, not only easy ones


def _tight_plant(folder: Path) -> None:
    """Two lines of 10 hours a week and 120 orders of up to 3 lines over 6 weeks: most must move later."""
    files = {
        "customers": [["code", "name", "tier"], *[[f"C{i}", f"Customer {i}", t] for i, t in
                                                   enumerate(["STRATEGIC", "KEY", "REGULAR", "REGULAR"])]],
        "products": [["sku", "name", "family", "unit_cost", "list_price"],
                     *[[f"P{i}", f"Product {i}", "F", "10.00", f"{12 + i}.00"] for i in range(6)]],
        "lines": [["code", "name", "weekly_capacity_hours"], ["L1", "Line 1", 10], ["L2", "Line 2", 10]],
        "routings": [["line_code", "sku", "units_per_hour"],
                     *[[line, f"P{i}", 10 + i] for i in range(6) for line in (["L1", "L2"] if i % 2 else ["L1"])]],
    }
    orders = [["code", "customer_code", "requested_date", "sku", "quantity"]]
    for n in range(120):
        due = TODAY + timedelta(days=7 + (n * 5) % 42)
        orders += [[f"SO-{n:03}", f"C{n % 4}", due.isoformat(), f"P{(n + k) % 6}", 5 + (n * 7 + k) % 30]
                   for k in range(1 + n % 3)]
    files["orders"] = orders
    for name, rows in files.items():
        with (folder / f"{name}.csv").open("w", newline="") as handle:
            csv.writer(handle).writerows(rows)


def test_an_imported_tight_plant_books_the_same_in_a_batch(db: Engine, db_url: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Input: an import whose lines cannot make most orders by their dates (entered without booking); both
    bookings must agree order by order, on shared lines, over weeks filled to the last hour."""

    async def no_booking(*_: object, **__: object) -> BookingReport:
        return BookingReport()

    _tight_plant(tmp_path)
    monkeypatch.setattr(write_orders, "book_open_orders_in_batch", no_booking)
    asyncio.run(import_plant(db_url, tmp_path, TODAY, load_rulebook(DEFAULT_RULES_DIR)))
    report = _compare(db_url)
    assert report.booked == 120 and len(report.moved) > 60
