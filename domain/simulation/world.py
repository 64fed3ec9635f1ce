"""The simulated world: demand, forecasts, incidents, yields and receipts, drawn from the seed alone.

Every policy faces the same world: nothing here reads what a policy did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from domain.simulation.plant import PlantModel

# Stated distributions (the README repeats them): what the world draws and the forecasts' error.
TARGET_LOAD = 0.78  # mean demand in hours against the lines' regular hours
SEASON_AMPLITUDE = (0.15, 0.35)  # per family, a yearly sine
ORDERS_PER_WEEK = 70  # about this many orders a week whatever the plant's size: larger plants, larger orders
RUSH_SHARE = 0.08
RUSH_SIZE = 0.35
RUSH_CAUSES = (("DEMAND_ABOVE_FORECAST", 0.5), ("CUSTOMER_CHANGE", 0.3), ("INTERNAL", 0.2))
LEAD_DAYS = {"STRATEGIC": (10, 28), "KEY": (14, 35), "REGULAR": (18, 42)}
TIER_WEIGHT = {"STRATEGIC": 3.0, "KEY": 2.0, "REGULAR": 1.0}
FORECAST_WEEKS = 13
FORECAST_SIGMA = (0.10, 0.015)  # relative error of the mid forecast: 10% plus 1.5 points per week ahead
FORECAST_Z = 1.2816  # low and high bound the central 80% of the mid forecast's error
FAILURES_PER_LINE_WEEK = 0.08
SHORTAGES_PER_MATERIAL_WEEK = 0.01
RECEIPT_EVERY_WEEKS = 2
SLIP_SHARE, SLIP_DAYS = 0.25, (1, 10)
YIELD_MEAN, YIELD_SD, YIELD_FLOOR = 0.975, 0.02, 0.85


@dataclass(frozen=True)
class WorldOrder:
    code: str
    day: date
    customer: str
    tier: str
    sku: str
    quantity: float
    requested: date
    rush_cause: str | None  # None: not a rush order

    @property
    def rush(self) -> bool:
        return self.rush_cause is not None


@dataclass(frozen=True)
class Failure:
    day: date
    line: str
    hours: float


@dataclass(frozen=True)
class Shortage:
    day: date
    material: str
    share: float  # of the material's stock on hand found unusable


@dataclass(frozen=True)
class Receipt:
    material: str
    quantity: float
    due: date
    arrives: date  # the day it really comes: a slip when later than due


@dataclass(frozen=True)
class World:
    start: date  # a Monday
    weeks: int
    orders: tuple[WorldOrder, ...]
    failures: tuple[Failure, ...]
    shortages: tuple[Shortage, ...]
    receipts: tuple[Receipt, ...]
    forecast: np.ndarray  # [issue week, product, weeks ahead, low/mid/high], issued on the Friday before
    demand_mean: np.ndarray  # [week, product] units: the truth the forecasts estimate
    yields: np.ndarray  # [day, line]

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=d) for d in range(7 * self.weeks)]

    def yield_on(self, day: date, line_index: int) -> float:
        return float(self.yields[(day - self.start).days, line_index])


def _rush_cause(rng: np.random.Generator) -> str:
    weights = np.array([w for _, w in RUSH_CAUSES])
    return RUSH_CAUSES[int(rng.choice(len(RUSH_CAUSES), p=weights))][0]


def _demand_mean(plant: PlantModel, weeks: int, start: date, rng: np.random.Generator) -> np.ndarray:
    families = sorted({p.family for p in plant.products})
    amplitude = rng.uniform(*SEASON_AMPLITUDE, len(families))
    phase = rng.uniform(0, 52, len(families))
    share = rng.dirichlet(np.full(len(plant.products), 2.0))
    hours = TARGET_LOAD * plant.weekly_hours * share  # [product] mean hours a week
    units = hours / np.array([p.hours_per_unit for p in plant.products])
    week_of_year = start.isocalendar()[1] + np.arange(weeks)
    family = np.array([families.index(p.family) for p in plant.products])
    season = 1 + amplitude[family][None, :] * np.sin(2 * np.pi * (week_of_year[:, None] + phase[family][None, :]) / 52)
    return units[None, :] * season


def _orders(plant: PlantModel, mean: np.ndarray, start: date, rng: np.random.Generator) -> list[WorldOrder]:
    weeks, n = mean.shape
    # Every product gets about the same number of orders; their size carries its share of the demand.
    size = np.maximum(mean.mean(axis=0) * n / ORDERS_PER_WEEK, 1.0)
    weight = np.array([TIER_WEIGHT[t] for _, t in plant.customers])
    weight /= weight.sum()
    orders: list[WorldOrder] = []
    for week in range(weeks):
        counts = rng.poisson(mean[week] / size)
        for p in np.flatnonzero(counts):
            product = plant.products[p]
            for _ in range(counts[p]):
                day = start + timedelta(days=7 * week + int(rng.integers(0, 5)))
                customer, tier = plant.customers[int(rng.choice(len(plant.customers), p=weight))]
                rush = rng.random() < RUSH_SHARE
                # A rush order tops up what a customer lacks: smaller than a regular one.
                quantity = float(max(1, round(size[p] * rng.lognormal(-0.08, 0.4) * (RUSH_SIZE if rush else 1))))
                lead = int(rng.integers(1, 3)) if rush else int(rng.integers(*LEAD_DAYS[tier]))
                orders.append(WorldOrder("", day, customer, tier, product.sku, quantity, day + timedelta(days=lead),
                                         _rush_cause(rng) if rush else None))
    orders.sort(key=lambda o: (o.day, o.sku, o.customer, o.quantity, o.requested))
    return [WorldOrder(f"SIM-{i + 1:06d}", o.day, o.customer, o.tier, o.sku, o.quantity, o.requested, o.rush_cause)
            for i, o in enumerate(orders)]


def _forecast(mean: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    weeks, n = mean.shape
    padded = np.concatenate([mean, np.repeat(mean[-1:], FORECAST_WEEKS, axis=0)])
    out = np.zeros((weeks, n, FORECAST_WEEKS, 3))
    for issued in range(weeks):
        sigma = FORECAST_SIGMA[0] + FORECAST_SIGMA[1] * np.arange(1, FORECAST_WEEKS + 1)
        mid = padded[issued:issued + FORECAST_WEEKS].T * np.maximum(1 + rng.normal(0, sigma, (n, FORECAST_WEEKS)), 0.2)
        out[issued, :, :, 1] = mid
        out[issued, :, :, 0] = mid * np.maximum(1 - FORECAST_Z * sigma, 0.1)
        out[issued, :, :, 2] = mid * (1 + FORECAST_Z * sigma)
    return np.round(out, 1)


def build_world(plant: PlantModel, seed: int, start: date, weeks: int) -> World:
    """The same plant, seed, start and weeks always give the same world."""
    rng = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, 14]).spawn(6)]
    mean = _demand_mean(plant, weeks, start, rng[0])
    orders = _orders(plant, mean, start, rng[1])
    days = 7 * weeks
    failures = [Failure(start + timedelta(days=7 * w + int(rng[2].integers(0, 5))), line.code,
                        float(round(rng[2].uniform(4, 16))))
                for w in range(weeks) for line in plant.lines if rng[2].random() < FAILURES_PER_LINE_WEEK]
    shortages = [Shortage(start + timedelta(days=7 * w + int(rng[3].integers(0, 5))), m,
                          float(round(rng[3].uniform(0.1, 0.3), 2)))
                 for w in range(weeks) for m in plant.materials if rng[3].random() < SHORTAGES_PER_MATERIAL_WEEK]
    receipts = _receipts(plant, mean, start, weeks, rng[4])
    yields = np.clip(rng[5].normal(YIELD_MEAN, YIELD_SD, (days, len(plant.lines))), YIELD_FLOOR, 1.0)
    return World(start, weeks, tuple(orders), tuple(failures), tuple(shortages), tuple(receipts),
                 _forecast(mean, rng[1]), mean, np.round(yields, 3))


def _receipts(plant: PlantModel, mean: np.ndarray, start: date, weeks: int, rng: np.random.Generator) -> list[Receipt]:
    """A standing purchase order per material: its mean use over the period, a tenth more, every two weeks."""
    use: dict[str, float] = {}
    for p, product in enumerate(plant.products):
        for material, per_unit in plant.uses.get(product.sku, ()):
            use[material] = use.get(material, 0.0) + float(mean[:, p].mean()) * per_unit
    receipts = []
    for w in range(0, weeks, RECEIPT_EVERY_WEEKS):
        due = start + timedelta(days=7 * w + 2)
        for material in plant.materials:
            slip = int(rng.integers(*SLIP_DAYS)) if rng.random() < SLIP_SHARE else 0
            quantity = float(round(use.get(material, 0.0) * RECEIPT_EVERY_WEEKS * 1.1))
            if quantity > 0:
                receipts.append(Receipt(material, quantity, due, due + timedelta(days=slip)))
    return receipts
