"""An import upserts by code, books only orders it has not seen, and writes all of it in one transaction or none."""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.config import DEFAULT_RULES_DIR
from domain.models import CapacityReservation, Customer, Order, Product, StockMovement, StockMovementKind
from domain.plant_data import import_plant
from rules import load_rulebook
from tests.integration.plant_data.test_import_refused import EXAMPLE, row_counts

TODAY = date(2026, 12, 2)
BOOK = load_rulebook(DEFAULT_RULES_DIR)


def test_a_second_import_updates_by_code_and_keeps_booked_orders(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Inputs: the example, then a copy with a new list price, a new customer, a new stock count and one new
    order. The product is updated in place (same id), the old orders keep their reservations, the new one books."""
    first = asyncio.run(import_plant(db_url, EXAMPLE, TODAY, BOOK))
    assert first.orders_entered == 5
    with Session(db) as session:
        pump = session.scalars(select(Product).where(Product.sku == "PUMP-S")).one()
        held = sorted(session.scalars(select(CapacityReservation.id)))
    folder = tmp_path / "plant"
    shutil.copytree(EXAMPLE, folder)
    products = folder / "products.csv"
    products.write_text(products.read_text().replace("42.50,79.00", "42.50,81.00"))
    with (folder / "customers.csv").open("a") as handle:
        handle.write("DELTA,Delta Pools,REGULAR,,\n")
    (folder / "stock.csv").write_text("sku,on_hand\nPUMP-S,50\n")
    with (folder / "orders.csv").open("a") as handle:
        handle.write("SO-2001,DELTA,2027-01-15,PUMP-S,10,\n")
    second = asyncio.run(import_plant(db_url, folder, TODAY, BOOK))
    assert second.orders_entered == 1 and second.orders_kept == ["SO-1001", "SO-1002", "SO-1003", "SO-1004", "SO-1005"]
    with Session(db) as session:
        again = session.scalars(select(Product).where(Product.sku == "PUMP-S")).one()
        assert (again.id, str(again.list_price), again.on_hand) == (pump.id, "81.00", 50.0)
        assert session.scalar(select(Customer.price_sensitivity).where(Customer.code == "DELTA")) == 0.5
        assert set(held) <= set(session.scalars(select(CapacityReservation.id)))
        new = session.scalars(select(Order).where(Order.code == "SO-2001")).one()
        assert session.scalars(select(CapacityReservation).where(CapacityReservation.order_id == new.id)).first()
        adjustments = session.scalars(select(StockMovement.quantity).where(
            StockMovement.kind == StockMovementKind.ADJUSTED, StockMovement.product_id == pump.id)).all()
        assert adjustments == [35.0, 15.0]  # counted 35, then 50: the stock history adds up to what is on hand


def test_a_failure_while_writing_leaves_nothing_behind(db: Engine, db_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The booking fails after every master row and order was written (flushed): the transaction is rolled back."""
    import domain.plant_data.write_orders as write_orders

    async def broken_booking(*_: object, **__: object) -> None:
        raise RuntimeError("the ledger is unreachable")

    monkeypatch.setattr(write_orders, "book_open_orders_in_batch", broken_booking)
    before = row_counts(db)
    with pytest.raises(RuntimeError, match="ledger is unreachable"):
        asyncio.run(import_plant(db_url, EXAMPLE, TODAY, BOOK))
    assert row_counts(db) == before and before["orders"] == 0


def test_check_writes_nothing_and_counts_what_it_would_import(db: Engine, db_url: str) -> None:
    report = asyncio.run(import_plant(db_url, EXAMPLE, TODAY, BOOK, check=True))
    assert not report.written and report.counts["order lines"] == 6 and report.counts["holidays"] == 3
    assert row_counts(db)["customers"] == 0
