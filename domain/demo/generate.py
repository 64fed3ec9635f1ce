"""Builds a whole demo plant in memory, deterministically from a seed and a day taken as today."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import numpy as np

from domain import clock
from domain.demo.aftersales import add_aftersales
from domain.demo.alerts import add_alerts, add_incidents
from domain.demo.catalogue import build_catalogue
from domain.demo.facilities import build_facilities
from domain.demo.forecasts import add_forecasts
from domain.demo.history import add_history
from domain.demo.order_specs import plan_orders
from domain.demo.plant import DemoPlant
from domain.demo.shopfloor import add_shopfloor
from domain.demo.sizes import DemoSize
from domain.demo.stock import add_held_stock
from domain.errors import InvalidInput

DEFAULT_SEED = 7


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off inside the block, and back as it was after.

    A plant is millions of small dicts, lists and datetimes with no reference cycle among them, so the
    collector frees nothing here, yet each automatic pass walked the whole growing heap: generating `large`
    took 13.6-14.7 s with it and 8.1 s without (same rows, same peak memory).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate_plant(size: DemoSize, seed: int = DEFAULT_SEED, today: date | None = None,
                   ready: Callable[[DemoPlant, list[str]], None] | None = None) -> DemoPlant:
    """The same size, seed and today always give the same rows.

    `ready(plant, tables)`, when given, is told along the way which tables' rows so far are final
    (no later step changes them), so a loader can send them while the rest is generated.
    """
    if seed < 0:  # numpy's seed sequence takes none
        raise InvalidInput(f"the seed must be 0 or more, got {seed}", ["seed"])
    with collector_paused():
        return _generate(size, seed, today or clock.today(), ready)


def _generate(size: DemoSize, seed: int, today: date,
              ready: Callable[[DemoPlant, list[str]], None] | None) -> DemoPlant:
    plant = DemoPlant(today)

    def done(*tables: str) -> None:
        if ready is not None:
            ready(plant, list(tables))

    # One stream per part, so changing how one part draws does not reshuffle the others.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    catalogue = build_catalogue(plant, size, streams[0])
    done("customers", "product_substitutes")
    facilities = build_facilities(plant, size, catalogue, streams[1])
    done("materials", "material_receipts", "bom_items", "production_lines", "line_calendar_days", "routings")
    specs = plan_orders(size, catalogue, plant.now, streams[2])
    placed = add_history(plant, specs, catalogue, streams[3], plant.now,
                         lambda: done("deliveries", "order_reviews", "rush_insertions", "order_events"))
    add_shopfloor(plant, placed, facilities, streams[4], plant.now)
    # Stock is final once the shop floor says what the open orders made (foreign keys are checked at the end).
    add_held_stock(plant)
    done("progress_events", "products")
    add_aftersales(plant, placed, catalogue, streams[5], plant.now)
    # Orders are final once the payments said which delivered orders are CLOSED (their history only grows).
    done("orders", "order_events", "order_lines", "stock_movements", "payments", "feedback")
    add_forecasts(plant, size, catalogue, placed, streams[6])
    add_incidents(plant, facilities, streams[6])
    add_alerts(plant, placed)
    done("forecasts", "incidents", "alerts")
    return plant
