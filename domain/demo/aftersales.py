"""After delivery: payments (collection below 100%; a delivered order paid in full is CLOSED), complaints, returns
and special requirements."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.columns import ColumnTable
from domain.demo.history import PlacedOrder, event_log
from domain.demo.plant import DemoPlant

COMPLAINTS = {
    "PRODUCTION": "units arrived with surface scratches",
    "LOGISTICS": "cartons damaged in transit",
    "OTHER": "invoice did not match the order",
}
REQUIREMENTS = ("export packaging: sealed cartons on heat-treated pallets", "customer labels on every carton",
                "maximum 40 units per carton")


def _status(created: datetime, u: float, now: datetime) -> tuple[str, datetime | None]:
    if created < now - timedelta(days=14):
        return "CLOSED", created + timedelta(hours=2 + 46 * u)
    acknowledged = created + timedelta(hours=1 + 23 * u)
    return ("ACKNOWLEDGED", acknowledged) if u < 0.5 and acknowledged <= now else ("OPEN", None)


def _feedback(plant: DemoPlant, order_id: int, kind: str, cause: str | None, message: str, quantity: float | None,
              created: datetime, u: float, now: datetime) -> None:
    status, acknowledged = _status(created, u, now)
    plant.add("feedback", order_id=order_id, kind=kind, cause=cause, message=message, quantity=quantity,
              status=status, created_at=created, created_by="partner:crm", acknowledged_at=acknowledged)


def _close(plant: DemoPlant, order_id: int, paid_at: datetime) -> None:
    """Delivered and now paid in full: the order row moves on to CLOSED with its history step, as recordPayment
    does it live."""
    row = plant.rows["orders"][order_id - 1]
    row.update(status="CLOSED", closed_at=paid_at, version=row["version"] + 1)
    event_log(plant).add_step(order_id, row["code"], row["customer_id"], paid_at, "DELIVERED", "CLOSED",
                              "delivered and paid in full")


def add_aftersales(plant: DemoPlant, placed: list[PlacedOrder], cat: Catalogue, rng: np.random.Generator,
                   now: datetime) -> None:
    draws = rng.random((len(placed), 10)).tolist()
    lines = plant.rows["order_lines"]
    for order, u in zip(placed, draws, strict=True):
        stage, spec = order.stage, order.spec
        if stage.status != "REJECTED" and u[0] < 0.06:
            text = REQUIREMENTS[int(u[1] * len(REQUIREMENTS))]
            lines[order.line_ids[0] - 1]["requirements"] = text
            _feedback(plant, order.id, "REQUIREMENT", None, text, None, spec.received_at + timedelta(hours=1), u[2],
                      now)
        if stage.shipped_at is not None:
            payer = u[3] < (0.97 if cat.customer_tier[spec.customer] == "STRATEGIC" else 0.9)
            paid_at = stage.shipped_at + timedelta(days=10 + 50 * u[4])
            if payer and paid_at <= now:
                share = 0.5 + 0.4 * u[5] if u[5] < 0.08 else 1.0
                plant.add("payments", order_id=order.id, amount=round(spec.amount * share, 2), paid_on=paid_at.date(),
                          received_at=paid_at, recorded_by="partner:erp")
                if share == 1.0 and stage.status == "DELIVERED":
                    _close(plant, order.id, paid_at)
        delivered = stage.shipped_at or stage.completed_at
        if delivered is None:
            continue
        raised = delivered + timedelta(days=1 + 19 * u[6])
        if raised > now:
            continue
        if u[7] < 0.04:
            cause = "PRODUCTION" if u[8] < 0.55 else "LOGISTICS" if u[8] < 0.85 else "OTHER"
            _feedback(plant, order.id, "COMPLAINT", cause, COMPLAINTS[cause], None, raised, u[9], now)
        elif u[7] < 0.055 and stage.shipped_at is not None:
            line = lines[order.line_ids[0] - 1]
            quantity = float(max(1, round(line["quantity"] * (0.05 + 0.25 * u[8]))))
            _feedback(plant, order.id, "RETURN", "PRODUCTION", "defective units returned", quantity, raised, u[9], now)
            moves = plant.rows["stock_movements"]
            assert isinstance(moves, ColumnTable)  # the shop floor's (domain/demo/shopfloor.py)
            moves.append(product_id=line["product_id"], kind="RETURNED", quantity=quantity, at=raised,
                         order_id=order.id, note="customer return")
