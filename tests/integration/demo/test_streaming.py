"""Rows generation declares final are never changed afterwards, so loading them early loads the same plant."""

from __future__ import annotations

import copy
import gc
import sys
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.demo import DemoPlant, DemoSize, generate_plant, load_demo
from domain.demo.plant import Row
from domain.models import Base, Order, OrderLine

TODAY = date(2025, 6, 11)
SIZE = DemoSize("tiny", products=8, families=3, lines=3, customers=10, orders=120, forecast_weeks_ahead=3,
                forecast_weeks_back=3, history_days=90)


def test_rows_declared_final_never_change() -> None:
    snapshots: list[tuple[str, int, list[Row]]] = []
    seen: dict[str, int] = {}

    def ready(plant: DemoPlant, tables: list[str]) -> None:
        for name in tables:
            rows = plant.rows.get(name, [])
            snapshots.append((name, seen.get(name, 0), copy.deepcopy(rows[seen.get(name, 0):])))
            seen[name] = len(rows)

    plant = generate_plant(SIZE, seed=5, today=TODAY, ready=ready)
    for name, start, rows in snapshots:
        assert plant.rows[name][start : start + len(rows)] == rows, f"{name} rows changed after being declared final"
    # Every table of the plant is declared at some point, so none waits for the end of generation.
    assert set(seen) == set(plant.rows), set(plant.rows) - set(seen)
    assert seen == {name: len(rows) for name, rows in plant.rows.items()}
    assert generate_plant(SIZE, seed=5, today=TODAY).fingerprint() == plant.fingerprint()


def test_streamed_load_holds_every_row(db: Engine) -> None:
    switch_interval = sys.getswitchinterval()
    # Without the booking of open orders, which adds AT_RISK events and moves deliveries (test_demo_booking.py).
    report = load_demo(db, SIZE, seed=5, today=TODAY, book=False)
    # The load tunes the interpreter for its two threads and gives the settings back.
    assert sys.getswitchinterval() == switch_interval
    assert gc.isenabled()
    plant = generate_plant(SIZE, seed=5, today=TODAY)
    with Session(db) as session:
        for table, rows in plant.tables():
            assert session.scalar(select(func.count()).select_from(table)) == len(rows), table.name
        made = session.scalar(select(func.sum(OrderLine.quantity_made)))
        assert made == sum(row["quantity_made"] for row in plant.rows["order_lines"])
        assert session.scalar(select(func.max(Order.id))) == SIZE.orders
    assert report.rows == {table.name: len(rows) for table, rows in plant.tables()}
    assert set(report.rows) <= set(Base.metadata.tables)
