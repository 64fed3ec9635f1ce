"""A material's week-by-week position: the plan's needs, receipts due, projected balance, shortages and
the purchases that would cover them, each to be ordered a lead time before the week it is needed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.floor import plan_material_needs, receipts_due
from domain.models import CurrentPlan, Material, Plan

DEFAULT_WEEKS = 13  # without a plan in force: the weekly replan's default horizon
SHORT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class MaterialWeek:
    week: date  # Monday
    need: float  # the plan's need that week (BOM explosion of its items not made yet)
    receipts: float  # expected receipts due that week (overdue ones in the first week)
    balance: float  # on hand + receipts - needs up to the week's end; negative: short


@dataclass(frozen=True)
class Shortage:
    week: date  # the week the projected balance falls short (more than the weeks before)
    quantity: float  # what that week adds to the shortfall
    order_by: date  # the week minus the lead time: the last day an order placed now arrives in time
    overdue: bool  # order_by has passed: a purchase placed today arrives late


@dataclass(frozen=True)
class PurchaseSuggestion:
    quantity: float  # brings the projected balance of `needed_by`'s week back to zero
    order_by: date  # the latest day to order (today when already past)
    needed_by: date  # the shortage's week
    arrives: date  # when a purchase placed on order_by comes in
    late: bool  # even ordered today it arrives after the week begins


@dataclass(frozen=True)
class MaterialPosition:
    material: Material
    receipts_due: list[tuple[date, float]]  # (due date, quantity), earliest first
    weeks: list[MaterialWeek]
    shortages: list[Shortage]
    suggestions: list[PurchaseSuggestion]

    @property
    def id(self) -> int:
        return self.material.id

    @property
    def short(self) -> bool:
        return bool(self.shortages)


def horizon_weeks(session: Session, today: date) -> int:
    """Weeks from this week to the end of the plan in force's horizon (DEFAULT_WEEKS without a plan)."""
    plan = session.scalar(select(Plan).join(CurrentPlan, CurrentPlan.plan_id == Plan.id).where(CurrentPlan.id == 1))
    if plan is None:
        return DEFAULT_WEEKS
    end = plan.horizon_start + timedelta(weeks=plan.horizon_weeks)
    return max(1, (end - week_start(today)).days // 7)


def _position(material: Material, needs: dict[date, float], due: list[tuple[date, float]], weeks: list[date],
              today: date) -> MaterialPosition:
    balance, deficit = float(material.on_hand), 0.0
    lead = timedelta(days=material.lead_time_days)
    rows: list[MaterialWeek] = []
    shortages: list[Shortage] = []
    suggestions: list[PurchaseSuggestion] = []
    for index, week in enumerate(weeks):
        week_end = week + timedelta(days=6)
        arriving = sum(q for day, q in due if day <= week_end and (index == 0 or day >= week))
        need = needs.get(week, 0.0)
        balance += arriving - need
        rows.append(MaterialWeek(week, need, arriving, balance))
        if -balance > deficit + SHORT_TOLERANCE:
            added, deficit = -balance - deficit, -balance
            order_by = week - lead
            shortages.append(Shortage(week, added, order_by, order_by < today))
            placed = max(order_by, today)
            suggestions.append(PurchaseSuggestion(added, placed, week, placed + lead, placed + lead > week))
    return MaterialPosition(material, sorted(due), rows, shortages, suggestions)


def project_materials(session: Session, today: date, weeks: int | None = None,
                      material_ids: Collection[int] | None = None) -> list[MaterialPosition]:
    """Every material's position (or those of `material_ids`), oldest first, over `weeks` weeks from this week."""
    first = week_start(today)
    count = weeks if weeks is not None else horizon_weeks(session, today)
    calendar = [first + timedelta(weeks=i) for i in range(count)]
    needs = plan_material_needs(session, first, count)
    receipts = receipts_due(session)
    stmt = select(Material).order_by(Material.id)
    if material_ids is not None:
        stmt = stmt.where(Material.id.in_(list(material_ids)))
    return [_position(m, needs.get(m.id, {}), receipts.get(m.id, []), calendar, today) for m in session.scalars(stmt)]
