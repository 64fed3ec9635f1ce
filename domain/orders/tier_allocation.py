"""Capacity kept per customer tier (capacity_policy's tier_allocation): what an order of another tier may not take.

A tier's share of each line-week's regular hours, less what that tier's orders already hold there, is kept back
from every other customer until `release_days` before the week starts; then anyone may have it. Like SAP's
product allocation: strategic customers find room late, without rush orders displacing anyone.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.ledger import LedgerView
from domain.capacity.line_hours import line_weeks
from domain.models import CapacityLedger, CapacityReservation, Customer, Order
from rules import CapacityPolicy


async def without_other_tiers_allocation(session: AsyncSession, view: LedgerView, policy: CapacityPolicy,
                                         customer_tier: str, today: date) -> LedgerView:
    """The view with the still-unused allocations of the other tiers taken out of its free regular hours."""
    others = {tier: a for tier, a in policy.tier_allocations.items() if tier != customer_tier}
    if not others or not view.line_ids:
        return view
    lines, weeks = view.line_index(), {w: i for i, w in enumerate(view.weeks)}
    calendar = await line_weeks(session, view.line_ids, view.weeks)
    # Calendar hours less those lost to incidents, per line-week (ledger rows a dry run has not created yet
    # have lost none).
    usable = np.array([[calendar[line_id].week_hours(week) for week in view.weeks] for line_id in view.line_ids])
    for line_id, week, lost in await session.execute(
        select(CapacityLedger.line_id, CapacityLedger.week, CapacityLedger.lost_hours)
        .where(CapacityLedger.line_id.in_(view.line_ids), CapacityLedger.week.in_(view.weeks))
    ):
        usable[lines[line_id], weeks[week]] = max(usable[lines[line_id], weeks[week]] - lost, 0.0)
    held = {tier: np.zeros_like(view.residual) for tier in others}
    for tier_value, line_id, week, hours in await session.execute(
        select(Customer.tier, CapacityReservation.line_id, CapacityReservation.week,
               func.sum(CapacityReservation.hours))
        .join(Order, Order.id == CapacityReservation.order_id).join(Customer, Customer.id == Order.customer_id)
        .where(CapacityReservation.line_id.in_(view.line_ids), CapacityReservation.week.in_(view.weeks),
               CapacityReservation.from_reserve.is_(False))
        .group_by(Customer.tier, CapacityReservation.line_id, CapacityReservation.week)
    ):
        tier = getattr(tier_value, "value", tier_value)
        allocation = others.get(tier)
        if allocation is None or week - timedelta(days=allocation.release_days) <= today:
            continue
        held[tier][lines[line_id], weeks[week]] += float(hours)
    unused = np.zeros_like(view.residual)
    for tier, allocation in others.items():
        locked = np.array([week - timedelta(days=allocation.release_days) > today for week in view.weeks])
        # What the tier's orders already hold is part of its allocation, not kept a second time.
        unused += np.where(locked[None, :], np.maximum(allocation.share * usable - held[tier], 0.0), 0.0)
    return dataclasses.replace(view, residual=view.residual - unused)
