"""Material needs of the plan in force, week by week, against stock and receipts: shortages raise alerts early (R10)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.events import kinds
from domain.events.outbox import Outbox
from domain.floor.alerts import close_alerts_sync, raise_alert_sync
from domain.models import BomItem, CurrentPlan, Material, MaterialReceipt, PlanItem


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


def _needs(session: Session, first: date, weeks: int) -> dict[int, dict[date, float]]:
    """Material quantity per week: BOM explosion of the plan items not made yet."""
    plan_id = session.scalar(select(CurrentPlan.plan_id).where(CurrentPlan.id == 1))
    needs: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    if plan_id is None:
        return needs
    rows = session.execute(
        select(
            BomItem.material_id, PlanItem.week, PlanItem.quantity - PlanItem.quantity_made, BomItem.quantity_per_unit
        )
        .join(BomItem, BomItem.product_id == PlanItem.product_id)
        .where(
            PlanItem.plan_id == plan_id,
            PlanItem.week >= first,
            PlanItem.week < first + timedelta(weeks=weeks),
            PlanItem.quantity > PlanItem.quantity_made,
        )
    )
    for material_id, week, open_quantity, per_unit in rows:
        needs[material_id][week] += float(open_quantity) * float(per_unit)
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


def material_shortages(
    session: Session, weeks: int, *, today: date, outbox: Outbox | None = None
) -> list[MaterialShortage]:
    """Shortages over the next `weeks` weeks; one open MATERIAL alert per short material, closed once covered.

    Runs in the caller's transaction; publish `outbox` after the caller commits.
    """
    outbox = outbox if outbox is not None else Outbox()
    needs = _needs(session, week_start(today), weeks)
    receipts: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for material_id, due, quantity in session.execute(
        select(MaterialReceipt.material_id, MaterialReceipt.due_date, MaterialReceipt.quantity).where(
            MaterialReceipt.received.is_(False)
        )
    ):
        receipts[material_id].append((due, float(quantity)))
    shortages: list[MaterialShortage] = []
    for material in session.scalars(select(Material).order_by(Material.id)):
        shortage = _first_shortage(material, needs.get(material.id, {}), receipts[material.id], today)
        key = f"{kinds.MATERIAL}:{material.code}"
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
