"""After a material shortage: which open orders can no longer get their material by their promise (R7, R10)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.floor.at_risk import AtRisk, move_first
from domain.floor.demand import OPEN_STATUSES
from domain.models import BomItem, Material, MaterialReceipt, Order, OrderLine, keeps_promise


async def _needs(session: AsyncSession, material_id: int) -> list[tuple[Order, float]]:
    """Open orders and the quantity of the material their unmade units still need."""
    rows = await session.execute(
        select(Order, OrderLine.quantity_to_make, BomItem.quantity_per_unit)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(BomItem, BomItem.product_id == OrderLine.product_id)
        .where(
            BomItem.material_id == material_id,
            keeps_promise(OPEN_STATUSES),
            OrderLine.quantity_to_make > 0,
        )
        .options(selectinload(Order.customer))
    )
    need: dict[int, float] = defaultdict(float)
    orders: dict[int, Order] = {}
    for order, open_quantity, per_unit in rows:
        orders[order.id] = order
        need[order.id] += float(open_quantity) * float(per_unit)
    return [(orders[i], need[i]) for i in orders]


def ready_dates(
    needs: list[tuple[Order, float]], on_hand: float, receipts: list[tuple[date, float]], today: date, lead_days: int
) -> dict[int, date]:
    """When each order's material is there, serving the highest priority first (the reverse of who gives way).

    On-hand stock covers orders today; then each receipt in due order; beyond every receipt, a new
    purchase arrives after the material's lead time.
    """
    ready: dict[int, date] = {}
    supply = on_hand
    pending = sorted(receipts)
    needed = 0.0
    for order, need in sorted(needs, key=lambda pair: move_first(pair[0]), reverse=True):
        needed += need
        when = today
        while supply < needed and pending:
            due, quantity = pending.pop(0)
            supply += quantity
            when = max(when, due)
        ready[order.id] = when if supply >= needed else today + timedelta(days=lead_days)
    return ready


async def recheck_material(session: AsyncSession, material: Material, lost: float, today: date) -> dict[int, AtRisk]:
    """Orders whose material now comes after their promise, and did not before the `lost` quantity went."""
    needs = await _needs(session, material.id)
    receipts = [
        (due, float(quantity))
        for due, quantity in (
            await session.execute(
                select(MaterialReceipt.due_date, MaterialReceipt.quantity).where(
                    MaterialReceipt.material_id == material.id, MaterialReceipt.received.is_(False)
                )
            )
        )
    ]
    before = ready_dates(needs, material.on_hand + lost, receipts, today, material.lead_time_days)
    after = ready_dates(needs, material.on_hand, receipts, today, material.lead_time_days)
    at_risk: dict[int, AtRisk] = {}
    for order, _need in needs:
        entry = AtRisk(order, after[order.id])
        if entry.late and after[order.id] > before[order.id]:
            at_risk[order.id] = entry
    return at_risk
