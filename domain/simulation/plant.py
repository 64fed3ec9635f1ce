"""The plant as the simulation sees it: plain arrays and records read once from the generated demo plant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from domain.demo import DemoPlant

OPEN = {"ACCEPTED", "SCHEDULED", "IN_PRODUCTION"}


@dataclass(frozen=True)
class Product:
    id: int
    sku: str
    family: str
    unit_cost: float
    list_price: float
    price: float  # what customers paid for it in the demo's history (the median): the world's price
    on_hand: float
    routes: tuple[tuple[str, float], ...]  # (line code, units per hour), fastest first

    @property
    def hours_per_unit(self) -> float:
        return 1.0 / self.routes[0][1]


@dataclass(frozen=True)
class Line:
    code: str
    weekly_hours: float
    working_days: str  # Monday..Sunday as seven 0/1 characters
    closed: frozenset[date]  # holidays of the line's calendar

    def hours_on(self, day: date) -> float:
        if day in self.closed or self.working_days[day.weekday()] != "1":
            return 0.0
        return self.weekly_hours / self.working_days.count("1")


@dataclass(frozen=True)
class Backlog:
    """An open order of the demo plant at the start: every policy must make it with the same lines."""

    received: int  # order id: first come, first served
    sku: str
    quantity: float
    due: date
    tier: str


@dataclass(frozen=True)
class PlantModel:
    products: tuple[Product, ...]
    lines: tuple[Line, ...]
    customers: tuple[tuple[str, str], ...]  # (code, tier)
    materials: tuple[str, ...]
    uses: dict[str, tuple[tuple[str, float], ...]]  # sku -> (material code, quantity per unit)
    backlog: tuple[Backlog, ...]

    @property
    def weekly_hours(self) -> float:
        return sum(line.weekly_hours for line in self.lines)

    def product(self, sku: str) -> Product:
        return self._by_sku()[sku]

    def _by_sku(self) -> dict[str, Product]:
        found = self.__dict__.get("_skus")
        if found is None:
            found = {p.sku: p for p in self.products}
            object.__setattr__(self, "_skus", found)
        return found


def plant_model(plant: DemoPlant) -> PlantModel:
    rows = plant.rows
    line_code = {r["id"]: r["code"] for r in rows["production_lines"]}
    routes: dict[int, list[tuple[str, float]]] = {}
    for r in rows["routings"]:
        routes.setdefault(r["product_id"], []).append((line_code[r["line_id"]], float(r["units_per_hour"])))
    paid: dict[int, list[float]] = {}
    for r in rows["order_lines"]:
        paid.setdefault(r["product_id"], []).append(float(r["unit_price"]))
    products = tuple(
        Product(r["id"], r["sku"], r["family"], float(r["unit_cost"]), float(r["list_price"]),
                round(float(np.median(paid.get(r["id"], [r["list_price"]]))), 2), float(r["on_hand"]),
                tuple(sorted(routes[r["id"]], key=lambda route: (-route[1], route[0]))))
        for r in rows["products"] if r["id"] in routes)
    closed: dict[int, set[date]] = {}
    for r in rows.get("line_calendar_days", []):
        if r["hours"] == 0:
            closed.setdefault(r["line_id"], set()).add(r["day"])
    lines = tuple(Line(r["code"], float(r["weekly_capacity_hours"]), r["working_days"],
                       frozenset(closed.get(r["id"], ()))) for r in rows["production_lines"])
    sku = {r["id"]: r["sku"] for r in rows["products"]}
    material = {r["id"]: r["code"] for r in rows["materials"]}
    uses: dict[str, list[tuple[str, float]]] = {}
    for r in rows["bom_items"]:
        uses.setdefault(sku[r["product_id"]], []).append((material[r["material_id"]], float(r["quantity_per_unit"])))
    tier = {r["id"]: r["tier"] for r in rows["customers"]}
    orders = {r["id"]: r for r in rows["orders"] if r["status"] in OPEN}
    backlog = tuple(
        Backlog(r["order_id"], sku[r["product_id"]], float(r["quantity"] - r["quantity_made"]),
                orders[r["order_id"]]["promised_date"] or orders[r["order_id"]]["requested_date"],
                tier[orders[r["order_id"]]["customer_id"]])
        for r in rows["order_lines"] if r["order_id"] in orders and r["quantity"] - r["quantity_made"] > 1e-9)
    return PlantModel(products, lines, tuple((r["code"], r["tier"]) for r in rows["customers"]),
                      tuple(sorted(material.values())),
                      {k: tuple(v) for k, v in uses.items()}, backlog)
