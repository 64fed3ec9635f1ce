"""Builds a whole demo plant in memory, deterministically from a seed and a day taken as today."""

from __future__ import annotations

from datetime import date

import numpy as np

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

DEFAULT_SEED = 7


def generate_plant(size: DemoSize, seed: int = DEFAULT_SEED, today: date | None = None) -> DemoPlant:
    """The same size, seed and today always give the same rows."""
    plant = DemoPlant(today or date.today())
    # One stream per part, so changing how one part draws does not reshuffle the others.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    catalogue = build_catalogue(plant, size, streams[0])
    facilities = build_facilities(plant, size, catalogue, streams[1])
    specs = plan_orders(size, catalogue, plant.now, streams[2])
    placed = add_history(plant, specs, catalogue, streams[3], plant.now)
    add_shopfloor(plant, placed, facilities, streams[4], plant.now)
    add_aftersales(plant, placed, catalogue, streams[5], plant.now)
    add_forecasts(plant, size, catalogue, placed, streams[6])
    add_incidents(plant, facilities, streams[6])
    add_alerts(plant, placed)
    return plant
