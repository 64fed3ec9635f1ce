"""What the shop floor reported for the demo orders: quantities made, progress events and stock movements."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from domain.demo.columns import ColumnTable
from domain.demo.facilities import Facilities
from domain.demo.history import PlacedOrder
from domain.demo.plant import DemoPlant
from domain.models import Base

SCRAP_REASONS = ("surface defect", "dimension out of tolerance", "assembly error", "material flaw")


def _made_share(order: PlacedOrder, now: datetime) -> float:
    """Share of the quantity made so far: all of it once in stock, else progress through the run."""
    if order.stage.completed_at is not None:
        return 1.0
    start, end = order.spec.timeline.offset("IN_PRODUCTION"), order.spec.timeline.offset("IN_STOCK")
    assert start is not None and end is not None
    age = (now - order.spec.received_at) / timedelta(hours=1)
    return min(max((age - start) / (end - start), 0.05), 0.95)


def add_shopfloor(plant: DemoPlant, placed: list[PlacedOrder], fac: Facilities, rng: np.random.Generator,
                  now: datetime) -> None:
    """Per order line of the started orders: what was made (in one run or two), scrap, and the stock moves.

    Computed an array per quantity over all lines at once (200k progress rows on `large`), kept as columns.
    """
    started = [o for o in placed if o.stage.started_at is not None]
    draws = rng.random((len(started), 4, 5))
    lines = plant.rows["order_lines"]
    # One entry per order line of a started order, in order and line order.
    order_of = np.repeat(np.arange(len(started)), [len(o.line_ids) for o in started])
    rows = [lines[line_id - 1] for o in started for line_id in o.line_ids]
    k = np.concatenate([np.arange(len(o.line_ids)) for o in started]) if started else np.zeros(0, dtype=int)
    u = draws[order_of, k % 4]  # the order's draws for its line k (lines past the fourth reuse them)
    share = np.array([_made_share(o, now) for o in started])[order_of]
    product = np.array([row["product_id"] - 1 for row in rows], dtype=int)
    made = np.round(np.array([row["quantity"] for row in rows]) * share)
    completed = [started[i].stage.completed_at for i in order_of.tolist()]
    shipped = [started[i].stage.shipped_at for i in order_of.tolist()]
    for row, quantity, out in zip(rows, made.tolist(), shipped, strict=True):
        row["quantity_made"] = quantity
        if out is not None:
            row["quantity_shipped"] = quantity
    _progress(plant, fac, started, now, order_of, product, made, u)
    # Outgoing movements are negative, so stock at a date is the sum of movements before it.
    moves = np.array([[at is not None for at in completed], [at is not None for at in shipped]]).T.ravel()
    order_ids = np.array([o.id for o in started], dtype=int)[order_of]
    plant.rows["stock_movements"] = ColumnTable(Base.metadata.tables["stock_movements"], {
        "product_id": _pick(np.repeat(product + 1, 2), moves),
        "kind": _pick(np.tile(np.array(["PRODUCED", "SHIPPED"], dtype=object), len(rows)), moves),
        "quantity": _pick(np.column_stack([made, -made]).ravel(), moves),
        "at": _pick(np.array([completed, shipped], dtype=object).T.ravel() if rows else np.zeros(0), moves),
        "order_id": _pick(np.repeat(order_ids, 2), moves),
        "note": [None] * int(moves.sum())})


def _pick(values: np.ndarray, mask: np.ndarray) -> list[Any]:
    return values[mask].tolist()  # type: ignore[no-any-return]


def _progress(plant: DemoPlant, fac: Facilities, started: list[PlacedOrder], now: datetime, order_of: np.ndarray,
              product: np.ndarray, made: np.ndarray, u: np.ndarray) -> None:
    """A progress report per run: one, or two halves when the draw says so and there are two units at least."""
    halves = (u[:, 0] >= 0.6) & (made >= 2)
    first = np.where(halves, np.round(made / 2), made)
    runs = np.where(halves, 2, 1)
    line = np.array([routes[0][0] for routes in fac.product_routes], dtype=int)[product]
    # Entry per run: the line's values repeated, then the second half's own quantity and index.
    each = np.repeat(np.arange(len(made)), runs)
    second = np.zeros(len(each), dtype=bool)
    second[1:] = each[1:] == each[:-1]
    quantity = np.where(second, (made - first)[each], first[each])
    w = u[each]
    scrap = np.where(w[:, 1] < 0.25, np.round(quantity * 0.03 * w[:, 2]), 0.0)
    reason = np.array(SCRAP_REASONS, dtype=object)[(w[:, 4] * 4).astype(int)]
    reason[scrap == 0] = None
    starts = [started[i].stage.started_at for i in order_of.tolist()]
    ends = [started[i].stage.completed_at or now for i in order_of.tolist()]
    # timedelta * float rounds exactly (numpy's float product would not): kept in Python, one per run.
    at = [starts[e] + (ends[e] - starts[e]) * ((j + v) / n)  # type: ignore[operator]
          for e, j, v, n in zip(each.tolist(), second.astype(int).tolist(), w[:, 3].tolist(),
                                runs[each].tolist(), strict=True)]
    codes = [f"mes:{code}" for code in fac.line_codes]
    plant.rows["progress_events"] = ColumnTable(Base.metadata.tables["progress_events"], {
        "line_id": line[each].tolist(), "product_id": (product[each] + 1).tolist(),
        "order_id": np.array([o.id for o in started], dtype=int)[order_of][each].tolist(),
        "quantity": quantity.tolist(), "scrap": scrap.tolist(),
        "scrap_reason": reason.tolist(),
        "at": at, "reported_by": [codes[i - 1] for i in line[each].tolist()]})
