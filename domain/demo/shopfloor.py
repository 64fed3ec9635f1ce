"""What the shop floor reported for the demo orders: quantities made, progress events and stock movements."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from domain.demo.facilities import Facilities
from domain.demo.history import PlacedOrder
from domain.demo.plant import DemoPlant

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
    started = [o for o in placed if o.stage.started_at is not None]
    draws = rng.random((len(started), 4, 5)).tolist()
    lines = plant.rows["order_lines"]
    for order, u in zip(started, draws, strict=True):
        start = order.stage.started_at
        assert start is not None
        end = order.stage.completed_at or now
        share = _made_share(order, now)
        for k, line_id in enumerate(order.line_ids):
            row = lines[line_id - 1]
            product, made = row["product_id"] - 1, float(round(row["quantity"] * share))
            row["quantity_made"] = made
            line, code = fac.product_routes[product][0][0], fac.line_codes[fac.product_routes[product][0][0] - 1]
            parts = [made] if u[k % 4][0] < 0.6 or made < 2 else [float(round(made / 2)), made - float(round(made / 2))]
            for j, quantity in enumerate(parts):
                scrap = float(round(quantity * 0.03 * u[k % 4][2])) if u[k % 4][1] < 0.25 else 0.0
                at = start + (end - start) * ((j + u[k % 4][3]) / len(parts))
                plant.add("progress_events", line_id=line, product_id=product + 1, order_id=order.id,
                          quantity=quantity, scrap=scrap,
                          scrap_reason=SCRAP_REASONS[int(u[k % 4][4] * 4)] if scrap else None,
                          at=at, reported_by=f"mes:{code}")
            if order.stage.completed_at is not None:
                plant.add("stock_movements", product_id=product + 1, kind="PRODUCED", quantity=made,
                          at=order.stage.completed_at, order_id=order.id, note=None)
            if order.stage.shipped_at is not None:
                row["quantity_shipped"] = made
                # Outgoing movements are negative, so stock at a date is the sum of movements before it.
                plant.add("stock_movements", product_id=product + 1, kind="SHIPPED", quantity=-made,
                          at=order.stage.shipped_at, order_id=order.id, note=None)
