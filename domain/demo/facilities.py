"""Materials with inbound receipts, bills of materials, production lines, their calendars and routings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.plant import DemoPlant
from domain.demo.sizes import DemoSize

COMPONENTS = ["housing", "shaft", "board", "gasket", "casting", "spring", "coil", "seal kit", "sensor chip", "frame"]
SHARED_MATERIALS = [("packaging carton", "pcs"), ("fastener set", "set"), ("label roll", "roll")]
# Fixed-date holidays every line observes (month, day).
HOLIDAYS = [(1, 1), (5, 1), (10, 1), (12, 25)]


@dataclass(frozen=True)
class Facilities:
    line_codes: list[str]
    product_routes: list[list[tuple[int, float]]]  # per product: (line id, units per hour)


def _materials(plant: DemoPlant, size: DemoSize, cat: Catalogue, rng: np.random.Generator) -> list[list[int]]:
    """Key components per family and a few shared ones; returns the key material ids of each family."""
    by_family: list[list[int]] = []
    for family, name in enumerate(cat.family_names):
        ids = []
        for k in range(size.materials_per_family):
            ids.append(plant.add(
                "materials", code=f"M-{family + 1:02d}{k + 1:02d}",
                name=f"{name.rstrip('s')} {COMPONENTS[(family + k) % len(COMPONENTS)]}", unit="pcs",
                on_hand=float(np.round(rng.uniform(200, 5000))), lead_time_days=int(rng.integers(7, 61)),
                key_component=True))
        by_family.append(ids)
    for k, (name, unit) in enumerate(SHARED_MATERIALS):
        plant.add("materials", code=f"M-S{k + 1:02d}", name=name, unit=unit, on_hand=float(rng.uniform(5e3, 5e4)),
                  lead_time_days=int(rng.integers(3, 15)), key_component=False)
    for material in range(1, plant.count("materials") + 1):
        # One or two receipts already in, one to three still on the way.
        for _ in range(int(rng.integers(1, 3))):
            plant.add("material_receipts", material_id=material, quantity=float(np.round(rng.uniform(100, 3000))),
                      due_date=plant.today - timedelta(days=int(rng.integers(1, 90))), received=True)
        for _ in range(int(rng.integers(1, 4))):
            plant.add("material_receipts", material_id=material, quantity=float(np.round(rng.uniform(100, 3000))),
                      due_date=plant.today + timedelta(days=int(rng.integers(1, 60))), received=False)
    return by_family


def _boms(plant: DemoPlant, cat: Catalogue, key_materials: list[list[int]], rng: np.random.Generator) -> None:
    shared = list(range(plant.count("materials") - len(SHARED_MATERIALS) + 1, plant.count("materials") + 1))
    for product, family in enumerate(cat.product_family):
        own = key_materials[family]
        wanted = int(rng.integers(2, 5))
        chosen = [*rng.choice(own, size=min(len(own), wanted - 1), replace=False), shared[product % len(shared)]]
        for material in chosen[:wanted]:
            plant.add("bom_items", product_id=product + 1, material_id=int(material),
                      quantity_per_unit=float(rng.integers(1, 5)))


def _lines(plant: DemoPlant, size: DemoSize, rng: np.random.Generator) -> list[str]:
    codes = []
    for index in range(size.lines):
        code = f"L{index + 1:02d}"
        six_days = rng.random() < 0.3
        plant.add("production_lines", code=code, name=f"Line {index + 1:02d}",
                  weekly_capacity_hours=float(rng.choice([80, 88, 96, 104, 112, 120])),
                  working_days="1111110" if six_days else "1111100", crew_size=int(rng.integers(3, 9)),
                  max_overtime_hours=float(rng.choice([8, 12, 16, 20])))
        codes.append(code)
    first = plant.today - timedelta(days=size.history_days)
    last = plant.today + timedelta(weeks=size.forecast_weeks_ahead)
    for line in range(1, size.lines + 1):
        days = {date(year, m, d) for year in range(first.year, last.year + 1) for m, d in HOLIDAYS}
        for day in sorted(d for d in days if first <= d <= last):
            plant.add("line_calendar_days", line_id=line, day=day, hours=0.0, reason="public holiday")
        if rng.random() < 0.4:
            # An extra Saturday shift in the coming weeks, before a peak.
            saturday = plant.today + timedelta(days=(5 - plant.today.weekday()) % 7 + 7 * int(rng.integers(1, 8)))
            if saturday not in days:
                plant.add("line_calendar_days", line_id=line, day=saturday, hours=8.0, reason="extra shift")
    return codes


MEAN_LINE_HOURS = 100.0  # lines get 80-120 weekly hours
# Demand per product against its share of line hours. Products run on 1-3 lines at uneven rates,
# so 1.3 gives, on the medium plant's 13-week replan, 75% of hours planned, overtime on the
# bottleneck lines and 1.7% of demand late: a plant with bottlenecks, not one twice overloaded.
LOAD_FACTOR = 0.8


def _routings(plant: DemoPlant, size: DemoSize, cat: Catalogue,
              rng: np.random.Generator) -> list[list[tuple[int, float]]]:
    """Each product runs on one to three lines, mostly those that serve its family, at different rates."""
    routes: list[list[tuple[int, float]]] = []
    family_lines = [[line for line in range(size.lines) if line % size.families == f] or list(range(size.lines))
                    for f in range(size.families)]
    # Rates scale with the plant, so every size is loaded alike (see LOAD_FACTOR).
    hours_per_product = MEAN_LINE_HOURS * size.lines * LOAD_FACTOR / max(len(cat.product_family), 1)
    for product, family in enumerate(cat.product_family):
        pool = family_lines[family] if len(family_lines[family]) >= 2 else list(range(size.lines))
        chosen = rng.choice(pool, size=min(len(pool), int(rng.integers(1, 4))), replace=False)
        base_rate = max(2.0, float(cat.product_weekly_demand[product]) / hours_per_product)
        product_routes = []
        for line in chosen:
            rate = round(base_rate * float(rng.uniform(0.6, 1.6)), 1)
            plant.add("routings", line_id=int(line) + 1, product_id=product + 1, units_per_hour=rate)
            product_routes.append((int(line) + 1, rate))
        routes.append(product_routes)
    return routes


def build_facilities(plant: DemoPlant, size: DemoSize, cat: Catalogue, rng: np.random.Generator) -> Facilities:
    key_materials = _materials(plant, size, cat, rng)
    _boms(plant, cat, key_materials, rng)
    codes = _lines(plant, size, rng)
    return Facilities(codes, _routings(plant, size, cat, rng))
