"""Customers, product families with their seasons, products with costs, prices and substitutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from domain.demo.plant import DemoPlant
from domain.demo.sizes import DemoSize

FAMILY_NAMES = ["Valves", "Pumps", "Filters", "Sensors", "Fittings", "Motors", "Controllers", "Seals",
                "Hoses", "Gauges", "Brackets", "Housings", "Couplings", "Actuators", "Bearings", "Meters"]
NAME_STEMS = ["Acme", "Nordic", "Pacific", "Summit", "Harbor", "Redwood", "Sterling", "Orion", "Atlas", "Meridian",
              "Crescent", "Granite", "Evergreen", "Silverline", "Keystone", "Horizon", "Beacon", "Cobalt"]
NAME_ENDINGS = ["Industries", "Trading", "Manufacturing", "Supply", "Systems", "Group", "Engineering", "Distribution"]
TIERS = ("STRATEGIC", "KEY", "REGULAR")


@dataclass(frozen=True)
class Catalogue:
    """What the order history needs to know about customers and products, as arrays indexed id - 1."""

    customer_tier: list[str]
    customer_sensitivity: np.ndarray
    customer_weight: np.ndarray  # relative order frequency
    family_names: list[str]
    family_peak_quarter: np.ndarray
    family_amplitude: np.ndarray
    product_family: np.ndarray
    product_sku: list[str]
    product_cost: np.ndarray
    product_price: np.ndarray
    product_new: np.ndarray
    product_weekly_demand: np.ndarray

    def seasonality(self, family: int, day: date) -> float:
        """Demand multiplier of a family on a day: highest in the middle of its peak quarter."""
        peak = (self.family_peak_quarter[family] * 3 + 1.5) / 12
        phase = day.timetuple().tm_yday / 365.25 - peak
        return float(1 + self.family_amplitude[family] * np.cos(2 * np.pi * phase))


def _customers(plant: DemoPlant, size: DemoSize, rng: np.random.Generator) -> tuple[list[str], np.ndarray, np.ndarray]:
    draw = rng.random(size.customers)
    # About 12% strategic and 30% key accounts; the first customer is always strategic.
    tiers = [TIERS[0] if x < 0.12 else TIERS[1] if x < 0.42 else TIERS[2] for x in draw]
    tiers[0] = TIERS[0]
    base_sensitivity = {"STRATEGIC": 0.25, "KEY": 0.45, "REGULAR": 0.65}
    sensitivity = np.clip([base_sensitivity[t] + rng.normal(0, 0.12) for t in tiers], 0.0, 1.0)
    weight = np.array([{"STRATEGIC": 4.0, "KEY": 2.0, "REGULAR": 1.0}[t] for t in tiers]) * rng.lognormal(0, 0.4,
                                                                                                        size.customers)
    created = plant.now.replace(year=plant.now.year - 3)
    for index, tier in enumerate(tiers):
        name = f"{NAME_STEMS[rng.integers(len(NAME_STEMS))]} {NAME_ENDINGS[rng.integers(len(NAME_ENDINGS))]}"
        plant.add("customers", code=f"C{index + 1:04d}", name=name, tier=tier,
                  price_sensitivity=round(float(sensitivity[index]), 2), created_at=created)
    return tiers, sensitivity, weight / weight.sum()


def _family_names(count: int) -> list[str]:
    return [FAMILY_NAMES[i % len(FAMILY_NAMES)] + ("" if i < len(FAMILY_NAMES) else f" {i // len(FAMILY_NAMES) + 1}")
            for i in range(count)]


def _substitutes(plant: DemoPlant, family: np.ndarray, rng: np.random.Generator) -> None:
    """Each product gets one or two substitutes from its own family (when the family has others)."""
    for product in range(len(family)):
        siblings = np.flatnonzero(family == family[product])
        siblings = siblings[siblings != product]
        if len(siblings) == 0:
            continue
        for other in rng.choice(siblings, size=min(len(siblings), int(rng.integers(1, 3))), replace=False):
            plant.link("product_substitutes", product_id=product + 1, substitute_id=int(other) + 1)


def build_catalogue(plant: DemoPlant, size: DemoSize, rng: np.random.Generator) -> Catalogue:
    tiers, sensitivity, weight = _customers(plant, size, rng)
    families = _family_names(size.families)
    # The peak quarter differs by family (Q1, Q2, Q3, Q4, Q1, ...) so the plant's load shifts over the year.
    peak_quarter = np.arange(size.families) % 4
    amplitude = rng.uniform(0.2, 0.55, size.families)
    family = np.arange(size.products) % size.families
    cost = np.round(rng.lognormal(np.log(40), 0.8, size.products), 2)
    margin = rng.uniform(0.10, 0.45, size.products)
    price = np.round(cost / (1 - margin), 2)
    new = rng.random(size.products) < 0.1
    demand = np.round(rng.lognormal(np.log(60), 0.9, size.products), 0) + 5
    fast = demand >= np.quantile(demand, 0.8)
    safety = np.round(demand * np.where(fast, 1.5, 0.5))
    # The free stock: domain/demo/stock.py adds what open orders hold. Some products sit below safety stock
    # so the demo has stock alerts to show.
    on_hand = np.round(safety * rng.uniform(0.3, 3.0, size.products))
    wip = np.where(rng.random(size.products) < 0.3, np.round(demand * rng.uniform(0.1, 0.8, size.products)), 0.0)
    for i in range(size.products):
        plant.add("products", sku=f"{families[family[i]][:3].upper()}-{i + 1:04d}",
                  name=f"{families[family[i]].rstrip('s')} model {i + 1}", family=families[family[i]],
                  unit_cost=float(cost[i]), list_price=float(price[i]), maturity="NEW" if new[i] else "PROVEN",
                  safety_stock=float(safety[i]), fast_mover=bool(fast[i]), on_hand=float(on_hand[i]),
                  work_in_progress=float(wip[i]), energy_kwh=round(float(rng.uniform(0.2, 6.0)), 2))
    _substitutes(plant, family, rng)
    skus = [row["sku"] for row in plant.rows["products"]]
    return Catalogue(tiers, sensitivity, weight, families, peak_quarter, amplitude, family, skus, cost, price, new,
                     demand)
