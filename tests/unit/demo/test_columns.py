"""Tables kept as columns (the order history, reviews, shop floor, forecasts) give the same rows, and the same COPY
text, as dict rows would."""

from __future__ import annotations

from datetime import date

import pytest

from domain.copy_text import copy_chunks
from domain.demo import SIZES, generate_plant
from domain.demo.columns import Columnar
from domain.demo.event_log import COLUMNS, EventLog
from domain.events import kinds
from domain.models import Base

TODAY = date(2025, 6, 11)


def test_copy_text_of_the_columns_is_that_of_the_rows() -> None:
    # Input: the small plant (seed 7), whose history holds every status and CLOSED steps added after payments.
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    log = plant.rows["order_events"]
    assert isinstance(log, EventLog)
    rows = list(log)
    assert list(rows[0]) == list(COLUMNS)
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    table = Base.metadata.tables["order_events"]
    assert log.copy_text(0, len(log)) == "".join(text for _, text in copy_chunks(table, list(COLUMNS), rows, 1000))
    assert log.copy_text(7, 19) == "".join(text for _, text in copy_chunks(table, list(COLUMNS), rows[7:19], 1000))
    assert log[7:19] == rows[7:19] and log[-1] == rows[-1]


@pytest.mark.parametrize("name", ["order_reviews", "progress_events", "stock_movements", "forecasts"])
def test_every_column_table_writes_the_text_its_rows_would(name: str) -> None:
    # Input: the small plant (seed 7). Reviews write their JSON as text themselves: it must be json.dumps' text of
    # the values a reader gets back; the shop floor's and forecasts' columns go through the usual conversions.
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    kept = plant.rows[name]
    assert isinstance(kept, Columnar) and len(kept) > 0
    rows = list(kept)
    assert list(rows[0]) == list(kept.columns) and [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    table = Base.metadata.tables[name]
    assert kept.copy_text(0, len(kept)) == "".join(text for _, text in copy_chunks(table, list(kept.columns), rows,
                                                                                    1000))


def test_steps_carry_the_live_kinds_and_messages() -> None:
    plant = generate_plant(SIZES["small"], seed=7, today=TODAY)
    rows = list(plant.rows["order_events"])
    orders = {order["id"]: order for order in plant.rows["orders"]}
    firsts = [row for row in rows if row["from_status"] is None]
    assert len(firsts) == len(orders)
    assert all(row["kind"] == kinds.CREATED and row["message"].startswith("order received, due ") for row in firsts)
    closed = [row for row in rows if row["to_status"] == "CLOSED"]
    assert closed and all(row["kind"] == kinds.CLOSED and row["from_status"] == "DELIVERED"
                          and row["message"] == "delivered and paid in full"
                          and orders[row["order_id"]]["closed_at"] == row["at"] for row in closed)
    # An order's version counts its steps, as live writers count them.
    steps: dict[int, int] = {}
    for row in rows:
        steps[row["order_id"]] = steps.get(row["order_id"], 0) + 1
    assert all(order["version"] == steps[order_id] for order_id, order in orders.items())
