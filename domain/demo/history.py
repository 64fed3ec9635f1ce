"""Turns planned orders into rows: orders, lines, deliveries, reviews, rush insertions and the order history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.order_specs import OrderSpec
from domain.demo.plant import DemoPlant
from domain.demo.reviews import add_review, add_rush_insertion, priority, rush_tier
from domain.demo.timeline import Stage, stage_at
from domain.events import kinds

ACTORS = {"ACCEPTED": "system:review", "PROPOSED": "system:review", "REJECTED": "system:review",
          "SCHEDULED": "planner:weekly-plan", "IN_PRODUCTION": "mes:shop-floor", "IN_STOCK": "mes:shop-floor",
          "SHIPPED": "partner:erp", "CANCELLED": "partner:erp", "DELIVERED": "partner:erp", "CLOSED": "partner:erp"}
HISTORY_BATCH = 10_000
# The live use case's event for a step (domain/orders/proposals.py, changes.py, shipments.py); the plan's and
# the floor's steps are STATUS.
EVENT_KIND = {("PROPOSED", "ACCEPTED"): kinds.PROPOSAL_ACCEPTED, ("PROPOSED", "CANCELLED"): kinds.PROPOSAL_DECLINED,
              ("ACCEPTED", "CANCELLED"): kinds.CANCELLED, ("SCHEDULED", "CANCELLED"): kinds.CANCELLED,
              ("IN_STOCK", "SHIPPED"): kinds.SHIPPED, ("SHIPPED", "DELIVERED"): kinds.DELIVERED,
              ("DELIVERED", "CLOSED"): kinds.CLOSED}
# One shared object per status for the events' before/after: half a million rows, a dozen distinct values.
STATUS_JSON = {status: {"status": status} for status in ("RECEIVED", *ACTORS)}


@dataclass(frozen=True)
class PlacedOrder:
    """An order as it stands today, with the ids of its rows."""

    id: int
    spec: OrderSpec
    stage: Stage
    requested: date
    promised: date | None
    line_ids: list[int]


def _deliveries(spec: OrderSpec, cat: Catalogue, requested: date, line_ids: list[int]) -> list[dict[str, Any]]:
    """Promised quantity and date per line; a SPLIT ships 60% on the requested date and the rest later."""
    out = []
    for line_id, (product, quantity, _, _) in zip(line_ids, spec.lines, strict=True):
        sku = cat.product_sku[product]
        if spec.decision == "SPLIT":
            first = float(round(quantity * 0.6)) or quantity
            out.append({"line": line_id, "sku": sku, "quantity": first, "date": requested})
            if quantity - first > 0:
                later = requested + timedelta(days=spec.delay_days)
                out.append({"line": line_id, "sku": sku, "quantity": quantity - first, "date": later})
        else:
            out.append({"line": line_id, "sku": sku, "quantity": quantity,
                        "date": requested + timedelta(days=spec.promised_days - spec.lead_days)})
    return out


def _add_deliveries(plant: DemoPlant, order: PlacedOrder, planned: list[dict[str, Any]]) -> None:
    status = order.stage.status
    if status in ("RECEIVED", "REJECTED") or (status == "CANCELLED" and order.spec.decision == "PROPOSE_DATE"):
        return
    kind = "PROPOSED" if status == "PROPOSED" else "DELIVERED" if status in ("SHIPPED", "DELIVERED") else "PROMISED"
    for d in planned:
        plant.add("deliveries", order_id=order.id, order_line_id=d["line"], quantity=d["quantity"], date=d["date"],
                  status=kind)


def _add_events(plant: DemoPlant, order: PlacedOrder, code: str, customer_id: int) -> None:
    # Half a million rows: appended directly rather than through plant.add, with the same columns.
    events = plant.rows.setdefault("order_events", [])
    previous: str | None = None
    for at, status in order.stage.transitions:
        if previous is None:
            kind, actor, message = kinds.CREATED, "partner:erp", f"order received, due {order.requested}"
        elif previous == "RECEIVED":
            kind, actor, message = kinds.STATUS, ACTORS[status], f"review decision {order.spec.decision}"
        else:
            kind, actor, message = EVENT_KIND.get((previous, status), kinds.STATUS), ACTORS[status], None
        events.append({"order_id": order.id, "order_code": code, "customer_id": customer_id, "kind": kind, "at": at,
                       "actor": actor, "message": message, "from_status": previous, "to_status": status,
                       "before": STATUS_JSON[previous] if previous else None, "after": STATUS_JSON[status],
                       "id": len(events) + 1})
        previous = status


def _add_order(plant: DemoPlant, spec: OrderSpec, cat: Catalogue, stage: Stage) -> PlacedOrder:
    number = plant.count("orders") + 1
    requested = spec.received_at.date() + timedelta(days=spec.lead_days)
    accepted = stage.status not in ("RECEIVED", "PROPOSED", "REJECTED") and not (
        stage.status == "CANCELLED" and spec.decision == "PROPOSE_DATE")
    promised = requested + timedelta(days=spec.promised_days - spec.lead_days) if accepted else None
    tier, score = priority(spec, cat)
    order_id = plant.add(
        "orders", code=f"SO-{number:06d}", customer_id=spec.customer + 1, status=stage.status,
        version=len(stage.transitions), requested_date=requested, promised_date=promised,
        amount=round(spec.amount, 2), gross_margin=round(spec.amount - spec.cost, 2), rush=spec.rush,
        rush_tier=rush_tier(spec, cat) if spec.rush else None, rush_cause=spec.rush_cause,
        priority_tier=tier, priority_score=score, received_at=spec.received_at, scheduled_at=stage.scheduled_at,
        completed_at=stage.completed_at, shipped_at=stage.shipped_at, cancelled_at=stage.cancelled_at,
        delivered_on=stage.delivered_at.date() if stage.delivered_at else None,
        proof_reference=f"POD-{number:06d}" if stage.delivered_at else None, closed_at=None, created_by="partner:erp")
    line_ids = [plant.add("order_lines", order_id=order_id, line_no=k + 1, product_id=p + 1, quantity=q,
                          unit_price=price, unit_cost=cost, quantity_made=0.0, quantity_shipped=0.0,
                          requirements=None)
                for k, (p, q, price, cost) in enumerate(spec.lines)]
    return PlacedOrder(order_id, spec, stage, requested, promised, line_ids)


def add_history(plant: DemoPlant, specs: list[OrderSpec], cat: Catalogue, rng: np.random.Generator,
                now: datetime, batch_done: Callable[[], None] = lambda: None) -> list[PlacedOrder]:
    """The orders' rows; `batch_done` is called every few thousand orders (their rows are then final)."""
    placed = []
    for number, spec in enumerate(specs, 1):
        stage = stage_at(spec.timeline, spec.received_at, now)
        order = _add_order(plant, spec, cat, stage)
        planned = _deliveries(spec, cat, order.requested, order.line_ids)
        _add_deliveries(plant, order, planned)
        if stage.reviewed_at is not None:
            proposal = [{"sku": d["sku"], "quantity": d["quantity"], "date": d["date"].isoformat()} for d in planned]
            add_review(plant, order.id, spec, cat, order.requested, stage.reviewed_at, proposal)
            if spec.rush:
                add_rush_insertion(plant, order.id, spec, stage.reviewed_at, rng)
        _add_events(plant, order, plant.rows["orders"][-1]["code"], spec.customer + 1)
        placed.append(order)
        if number % HISTORY_BATCH == 0:
            batch_done()
    batch_done()
    return placed
