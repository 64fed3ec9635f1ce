"""Incidents on lines and materials, and a few open alerts: stock below safety, late orders, a line down."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from domain.demo.facilities import Facilities
from domain.demo.history import PlacedOrder
from domain.demo.plant import DemoPlant
from domain.events import kinds
from domain.floor import late_order_key, safety_stock_key

MAX_ALERTS_PER_KIND = 12


def add_incidents(plant: DemoPlant, fac: Facilities, rng: np.random.Generator) -> None:
    """About two resolved breakdowns per line over the year, one open breakdown and a material shortage."""
    now = plant.now
    for line in range(1, len(fac.line_codes) + 1):
        for _ in range(int(rng.integers(0, 4))):
            starts = now - timedelta(days=float(rng.uniform(7, 360)))
            hours = round(float(rng.uniform(2, 24)), 1)
            plant.add("incidents", kind="EQUIPMENT_FAILURE", line_id=line, material_id=None, hours=hours,
                      quantity=None, starts_at=starts, message="unplanned stop", reported_by="mes:shop-floor",
                      created_at=starts, resolved_at=starts + timedelta(hours=hours))
    down = int(rng.integers(1, len(fac.line_codes) + 1))
    plant.add("incidents", kind="EQUIPMENT_FAILURE", line_id=down, material_id=None, hours=16.0, quantity=None,
              starts_at=now - timedelta(hours=5), message="spindle bearing failure, repair under way",
              reported_by="mes:shop-floor", created_at=now - timedelta(hours=5), resolved_at=None)
    # As domain/floor/incidents.py raises it: no dedup key (each incident is its own alert).
    plant.add("alerts", kind=kinds.INCIDENT, severity=kinds.WARNING,
              message=f"line {fac.line_codes[down - 1]} is down (16 h)", created_at=now - timedelta(hours=5), open=True,
              closed_at=None, dedup_key=None, order_id=None, customer_id=None, product_id=None, line_id=down,
              material_id=None)
    material = int(rng.integers(1, plant.count("materials") + 1))
    plant.add("incidents", kind="MATERIAL_SHORTAGE", line_id=None, material_id=material, hours=None, quantity=250.0,
              starts_at=now - timedelta(days=2), message="supplier delivery short", reported_by="mes:stores",
              created_at=now - timedelta(days=2), resolved_at=None)


def add_alerts(plant: DemoPlant, placed: list[PlacedOrder]) -> None:
    now = plant.now
    below = [p for p in plant.rows["products"] if p["on_hand"] < p["safety_stock"]][:MAX_ALERTS_PER_KIND]
    for product in below:
        severity = kinds.CRITICAL if product["on_hand"] <= 0 else kinds.WARNING  # as domain/floor/stock.py grades it
        plant.add("alerts", kind=kinds.SAFETY_STOCK, severity=severity,
                  message=f"{product['sku']} stock {product['on_hand']:g} is below safety stock "
                  f"{product['safety_stock']:g}.",
                  created_at=now - timedelta(hours=3), open=True, closed_at=None,
                  dedup_key=safety_stock_key(product["sku"]), order_id=None, customer_id=None,
                  product_id=product["id"], line_id=None, material_id=None)
    late = [o for o in placed if o.stage.status in ("SCHEDULED", "IN_PRODUCTION")
            and o.promised is not None and o.promised < plant.today][-MAX_ALERTS_PER_KIND:]
    for order in late:
        code = plant.rows["orders"][order.id - 1]["code"]
        plant.add("alerts", kind=kinds.LATE_ORDER, severity=kinds.CRITICAL if order.spec.rush else kinds.WARNING,
                  message=f"order {code} is late: promised {order.promised}, not in stock on {plant.today}",
                  created_at=now - timedelta(hours=1), open=True, closed_at=None, dedup_key=late_order_key(code),
                  order_id=order.id, customer_id=order.spec.customer + 1, product_id=None, line_id=None,
                  material_id=None)
