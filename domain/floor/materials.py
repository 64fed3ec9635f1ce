"""Material needs of the plan in force, week by week, against stock and receipts: shortages raise alerts early (R10)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.events import kinds
from domain.events.outbox import Outbox
from domain.floor.alerts import close_alerts_sync, raise_alert_sync
from domain.models import (
    Alert,
    BomItem,
    CurrentPlan,
    Incident,
    IncidentKind,
    Material,
    MaterialReceipt,
    PlanItem,
    utcnow,
)


@dataclass(frozen=True)
class MaterialShortage:
    material_id: int
    material_code: str
    week: date  # first week the plan needs more than stock plus receipts due by then
    needed: float  # cumulative need up to that week
    available: float  # on hand plus receipts due by the end of that week
    order_by: date  # latest day to order more, given the material's lead time

    @property
    def short(self) -> float:
        return self.needed - self.available


def plan_material_needs(session: Session, first: date, weeks: int) -> dict[int, dict[date, float]]:
    """Material id -> week -> quantity: the BOM explosion of the plan in force's items not made yet.

    Week one holds its daily tasks beside the weekly items, and progress fills either: the weekly item's quantity
    less what every item of its week, line and sku has made is what is still to come (not both rows' quantities).
    """
    plan_id = session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))
    needs: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    if plan_id is None:
        return needs
    key = (PlanItem.week, PlanItem.line_id, PlanItem.product_id)
    rows = session.execute(
        select(*key, func.sum(case((PlanItem.day.is_(None), PlanItem.quantity), else_=0.0)),
               func.sum(PlanItem.quantity_made))
        .where(PlanItem.plan_id == plan_id, PlanItem.week >= first, PlanItem.week < first + timedelta(weeks=weeks))
        .group_by(*key)
    ).all()
    bill: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for product_id, material_id, per_unit in session.execute(
        select(BomItem.product_id, BomItem.material_id, BomItem.quantity_per_unit)
        .where(BomItem.product_id.in_({row[2] for row in rows}))
    ):
        bill[product_id].append((material_id, float(per_unit)))
    for week, _line_id, product_id, planned, made in rows:
        open_quantity = float(planned or 0.0) - float(made or 0.0)
        if open_quantity <= 0:
            continue
        for material_id, per_unit in bill.get(product_id, []):
            needs[material_id][week] += open_quantity * per_unit
    return needs


def _first_shortage(material: Material, by_week: dict[date, float], receipts: list[tuple[date, float]],
                    today: date) -> MaterialShortage | None:
    needed, pending = 0.0, sorted(receipts)
    available = material.on_hand
    for week in sorted(by_week):
        needed += by_week[week]
        week_end = week + timedelta(days=6)
        while pending and pending[0][0] <= week_end:
            available += pending.pop(0)[1]
        if needed > available + 1e-9:
            order_by = max(week - timedelta(days=material.lead_time_days), today)
            return MaterialShortage(material.id, material.code, week, needed, available, order_by)
    return None


def receipts_due(session: Session) -> dict[int, list[tuple[date, float]]]:
    """Material id -> (due date, quantity) of the receipts expected and not in yet."""
    receipts: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for material_id, due, quantity in session.execute(
        select(MaterialReceipt.material_id, MaterialReceipt.due_date, MaterialReceipt.quantity).where(
            MaterialReceipt.received.is_(False)
        )
    ):
        receipts[material_id].append((due, float(quantity)))
    return receipts


def material_alert_key(material_code: str) -> str:
    """One open MATERIAL alert per material."""
    return f"{kinds.MATERIAL}:{material_code}"


def material_shortages(
    session: Session, weeks: int, *, today: date, outbox: Outbox | None = None,
    material_ids: Collection[int] | None = None,
) -> list[MaterialShortage]:
    """Shortages over the next `weeks` weeks; one open MATERIAL alert per short material, closed once covered.

    `material_ids` limits the check (and the alerts raised or closed) to those materials.
    Runs in the caller's transaction; publish `outbox` after the caller commits.
    """
    outbox = outbox if outbox is not None else Outbox()
    needs = plan_material_needs(session, week_start(today), weeks)
    receipts = receipts_due(session)
    shortages: list[MaterialShortage] = []
    materials = select(Material).order_by(Material.id)
    if material_ids is not None:
        materials = materials.where(Material.id.in_(list(material_ids)))
    for material in session.scalars(materials):
        shortage = _first_shortage(material, needs.get(material.id, {}), receipts[material.id], today)
        key = material_alert_key(material.code)
        if shortage is None:
            close_alerts_sync(session, outbox, key)
            continue
        shortages.append(shortage)
        raise_alert_sync(
            session, outbox, kind=kinds.MATERIAL,
            severity=kinds.CRITICAL if shortage.order_by <= today else kinds.WARNING,
            message=f"{material.code}: the plan needs {shortage.needed:g} {material.unit} by the week of "
            f"{shortage.week.isoformat()} but only {shortage.available:g} will be there "
            f"(short {shortage.short:g}); order by {shortage.order_by.isoformat()} "
            f"({material.lead_time_days} days lead time)",
            dedup_key=key, material_id=material.id,
        )
    return shortages


def recheck_material_sync(
    session: Session, material_id: int, weeks: int, *, today: date, outbox: Outbox
) -> MaterialShortage | None:
    """After a receipt: the material's shortage, if one remains; otherwise its MATERIAL alert, the alerts of the
    material-shortage incidents reported for it, and those incidents are closed (the receipt answered them)."""
    shortages = material_shortages(session, weeks, today=today, outbox=outbox, material_ids=[material_id])
    if shortages:
        return shortages[0]
    now = utcnow()
    for alert in session.scalars(select(Alert).where(
        Alert.material_id == material_id, Alert.kind == kinds.INCIDENT, Alert.open.is_(True)
    )):
        alert.open, alert.closed_at = False, now
        outbox.alert(alert)
    for incident in session.scalars(select(Incident).where(
        Incident.material_id == material_id, Incident.kind == IncidentKind.MATERIAL_SHORTAGE,
        Incident.resolved_at.is_(None),
    )):
        incident.resolved_at = now
    session.flush()
    return None
