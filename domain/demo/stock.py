"""Finished goods on hand: the free stock the catalogue drew plus what open orders made and still hold."""

from __future__ import annotations

from domain.demo.plant import DemoPlant

# Orders whose made units sit in stock, waiting to ship (as domain/planning/snapshot.py counts them held).
HOLDING = ("IN_PRODUCTION", "IN_STOCK")


def held_for_orders(plant: DemoPlant) -> dict[int, float]:
    """Units made and not shipped of the open orders in production or in stock, per product id."""
    orders = plant.rows["orders"]
    held: dict[int, float] = {}
    for line in plant.rows.get("order_lines", []):
        if orders[line["order_id"] - 1]["status"] in HOLDING:
            units = line["quantity_made"] - line["quantity_shipped"]
            if units > 0:
                held[line["product_id"]] = held.get(line["product_id"], 0.0) + units
    return held


def add_held_stock(plant: DemoPlant) -> None:
    """On hand is the drawn free stock plus the held units, so every order in stock can ship from it."""
    products = plant.rows["products"]
    for product_id, units in held_for_orders(plant).items():
        products[product_id - 1]["on_hand"] += units
