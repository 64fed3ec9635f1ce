"""Turns planned orders into rows: orders, lines, deliveries, reviews, rush insertions and the order history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.event_log import EventLog
from domain.demo.order_specs import OrderSpec
from domain.demo.plant import DemoPlant
from domain.demo.reviews import add_review, add_rush_insertion, priority, rush_tier
from domain.demo.timeline import Stage, stage_at

HISTORY_BATCH = 10_000


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


def event_log(plant: DemoPlant) -> EventLog:
    """The plant's order history, kept as columns (half a million rows on `large`)."""
    log = plant.rows.get("order_events")
    if log is None:
        log = plant.rows["order_events"] = EventLog()
    assert isinstance(log, EventLog)
    return log


def _add_events(log: EventLog, order: PlacedOrder, code: str, customer_id: int) -> None:
    log.add_order(order.id, code, customer_id, order.stage.transitions,
                  (f"order received, due {order.requested}", f"review decision {order.spec.decision}"))


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
    log = event_log(plant)
    for number, spec in enumerate(specs, 1):
        stage = stage_at(spec.timeline, spec.received_at, now)
        order = _add_order(plant, spec, cat, stage)
        planned = _deliveries(spec, cat, order.requested, order.line_ids)
        _add_deliveries(plant, order, planned)
        if stage.reviewed_at is not None:
            add_review(plant, order.id, spec, cat, order.requested, stage.reviewed_at, planned)
            if spec.rush:
                add_rush_insertion(plant, order.id, spec, stage.reviewed_at, rng)
        _add_events(log, order, plant.rows["orders"][-1]["code"], spec.customer + 1)
        placed.append(order)
        if number % HISTORY_BATCH == 0:
            batch_done()
    batch_done()
    return placed
