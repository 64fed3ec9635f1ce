"""The import books its open orders in one batch: all of them or none, and sop check clean afterwards."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.models import CapacityReservation, Order, OrderEvent
from tests.integration.plant_data.test_import_refused import EXAMPLE, TODAY, broken_copy, row_counts, sop


def test_an_order_no_line_can_make_refuses_the_whole_import(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input: the example plant with VALVE-X's only routing removed, so order SO-1004 passes the format checks
    but cannot be booked; the import names the order and the sku, and writes nothing (not even the masters)."""
    folder = broken_copy(tmp_path, {"routings": ("VALVES,VALVE-X,12\n", "")})
    before = row_counts(db)
    result = sop(["import", str(folder), "--today", TODAY], db_url)
    assert result.exit_code == 1
    assert "order 'SO-1004': no production line can make VALVE-X" in result.output
    assert row_counts(db) == before and before["orders"] == 0


def test_a_batch_import_leaves_every_order_holding_its_hours(db: Engine, db_url: str) -> None:
    """Input: the example plant; every open order holds hours, the ledger checker finds nothing (sop check)."""
    result = sop(["import", str(EXAMPLE), "--today", TODAY], db_url)
    assert result.exit_code == 0, result.output
    with Session(db) as session:
        assert ledger_violations(session) == []
        orders = session.scalar(select(func.count()).select_from(Order))
        holding = session.scalar(select(func.count(func.distinct(CapacityReservation.order_id))))
        assert orders == holding == 5
        created = session.scalars(select(OrderEvent.kind).where(OrderEvent.kind == "CREATED")).all()
        assert len(created) == 5 and set(session.scalars(select(Order.version))) <= {2, 3}
