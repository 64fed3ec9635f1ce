"""Key components an order needs (BOM explosion x quantity) against stock and receipts due in time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from domain.orders.context import OrderContext


@dataclass(frozen=True)
class Arrival:
    """When a component's need is first covered, and by what: an open receipt, or a purchase placed today."""

    date: date
    receipt_quantity: float | None  # the covering receipt's quantity; None: a purchase after the lead time


@dataclass(frozen=True)
class MaterialCheck:
    need_date: date
    required: dict[int, float]  # material id -> units
    short: dict[int, float]  # material id -> units missing on the need date
    ready_date: date  # first day every key component is there (stock + receipts, or a purchase now)
    available: dict[int, float] = field(default_factory=dict)  # material id -> stock + receipts by the need date
    arrivals: dict[int, Arrival] = field(default_factory=dict)  # material id -> when its need is covered

    @property
    def fits(self) -> bool:
        return not self.short

    @property
    def short_quantity(self) -> float:
        return float(sum(self.short.values()))


def required_materials(context: OrderContext, quantities: list[float]) -> dict[int, float]:
    required: dict[int, float] = {}
    for product, quantity in zip(context.products, quantities, strict=True):
        for material_id, per_unit in context.bom.get(product.id, []):
            if material_id in context.materials:
                required[material_id] = required.get(material_id, 0.0) + per_unit * quantity
    return required


def _ready(context: OrderContext, material_id: int, needed: float, today: date) -> Arrival:
    """When stock plus receipts first cover the need, or a purchase placed today arrives, if sooner."""
    material = context.materials[material_id]
    purchase = Arrival(today + timedelta(days=material.lead_time_days), None)
    available = material.on_hand
    if available >= needed:
        return Arrival(today, None)
    for due, quantity in context.receipts.get(material_id, []):
        available += quantity
        if available >= needed:
            received = Arrival(max(due, today), quantity)
            return received if received.date <= purchase.date else purchase
    return purchase


def check_materials(context: OrderContext, quantities: list[float], need_date: date, today: date) -> MaterialCheck:
    required = required_materials(context, quantities)
    short: dict[int, float] = {}
    available: dict[int, float] = {}
    arrivals: dict[int, Arrival] = {}
    for material_id, needed in required.items():
        available[material_id] = context.materials[material_id].on_hand + sum(
            q for due, q in context.receipts.get(material_id, []) if due <= need_date
        )
        if available[material_id] + 1e-9 < needed:
            short[material_id] = needed - available[material_id]
        arrivals[material_id] = _ready(context, material_id, needed, today)
    ready = max([today, *(arrival.date for arrival in arrivals.values())])
    return MaterialCheck(need_date, required, short, ready, available, arrivals)


def material_arrays(
    context: OrderContext, weeks: list[date], today: date
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """For capable-to-promise: material ids, [M, W] cumulative units by each week's end, [P, M] bill.

    A component whose receipts never cover the order is assumed bought today and in after its lead time.
    """
    ids = sorted(context.materials)
    available = np.zeros((len(ids), len(weeks)))
    for mi, material_id in enumerate(ids):
        material = context.materials[material_id]
        arrivals = [*context.receipts.get(material_id, []),
                    (today + timedelta(days=material.lead_time_days), float("inf"))]
        for wi, week in enumerate(weeks):
            week_end = week + timedelta(days=6)
            available[mi, wi] = material.on_hand + sum(q for due, q in arrivals if due <= week_end)
    available = np.minimum(available, 1e15)
    bill = np.zeros((len(context.products), len(ids)))
    index = {material_id: mi for mi, material_id in enumerate(ids)}
    for pi, product in enumerate(context.products):
        for material_id, per_unit in context.bom.get(product.id, []):
            if material_id in index:
                bill[pi, index[material_id]] += per_unit
    return ids, available, bill
