"""reportIncident: a failure takes a line's hours, a shortage takes material; promises are re-checked (R7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.capacity.ledger import load_ledger
from domain.errors import InvalidInput
from domain.events import kinds
from domain.events.outbox import EventBroker, Outbox
from domain.floor.alerts import raise_alert
from domain.floor.at_risk import AtRisk, displace_line_week, expected_dates, place_by_priority, tell_sales
from domain.floor.downtime import lost_hours_by_week
from domain.floor.lookup import line_by_code, material_by_code
from domain.floor.material_risk import recheck_material
from domain.floor.repromise import Displaced
from domain.models import Alert, CapacityLedger, Incident, IncidentKind, Material, utcnow


@dataclass
class IncidentOutcome:
    incident: Incident
    at_risk: list[AtRisk] = field(default_factory=list)  # orders now expected after their promise
    moved: list[AtRisk] = field(default_factory=list)  # every order whose hours moved, late or not
    alerts: list[Alert] = field(default_factory=list)


async def _equipment_failure(
    session: AsyncSession, incident: Incident, line_code: str | None, hours: float | None, reserve_share: float,
    outbox: Outbox, actor: str,
) -> tuple[list[AtRisk], list[AtRisk], str]:
    if line_code is None:
        raise InvalidInput("an equipment failure needs the line that failed", ["lineCode"])
    if hours is None:
        raise InvalidInput("an equipment failure needs the hours lost", ["hours"])
    lost = bounds.quantity(hours, ["hours"], positive=True, most=bounds.MAX_INCIDENT_HOURS)
    line = await line_by_code(session, line_code, ["lineCode"])
    incident.line_id, incident.hours = line.id, lost
    by_week = await lost_hours_by_week(session, line, incident.starts_at.date(), lost)
    weeks = sorted(by_week)
    if weeks:
        await load_ledger(session, [line.id], weeks, reserve_share, weeks[0], create_missing=True)
    ledger = CapacityLedger.__table__.c
    displaced: list[Displaced] = []
    for week in weeks:
        # Never more lost than the week had: a second report of the same failure cannot go below zero hours.
        await session.execute(
            update(CapacityLedger)
            .where(ledger.line_id == line.id, ledger.week == week)
            .values(lost_hours=case(
                (ledger.lost_hours + by_week[week] > ledger.capacity_hours, ledger.capacity_hours),
                else_=ledger.lost_hours + by_week[week],
            ))
            .execution_options(synchronize_session=False)
        )
        displaced += await displace_line_week(session, line, week)
    # Placed only once every week has given way, so the first free hours go to the highest priority.
    moved = await place_by_priority(session, displaced, weeks[0], reserve_share) if weeks else {}
    await expected_dates(session, line, moved)
    cause = f"equipment failure on {line.code} ({lost:g} h from {incident.starts_at.date().isoformat()})"
    late = await tell_sales(session, outbox, moved, cause, actor, line.id)
    summary = f"{cause}: {len(moved)} order(s) moved, {len(late)} now late"
    return late, list(moved.values()), summary


async def _material_shortage(
    session: AsyncSession, incident: Incident, material_code: str | None, quantity: float | None, today: date,
    outbox: Outbox, actor: str,
) -> tuple[list[AtRisk], str]:
    if material_code is None:
        raise InvalidInput("a material shortage needs the material", ["materialCode"])
    if quantity is None:
        raise InvalidInput("a material shortage needs the quantity lost", ["quantity"])
    lost = bounds.quantity(quantity, ["quantity"], positive=True)
    material = await material_by_code(session, material_code, ["materialCode"])
    incident.material_id, incident.quantity = material.id, lost
    held = material.on_hand
    await session.execute(
        update(Material)
        .where(Material.id == material.id)
        .values(on_hand=case((Material.on_hand > lost, Material.on_hand - lost), else_=0.0))
    )
    await session.refresh(material)
    at_risk = await recheck_material(session, material, held - material.on_hand, today)
    cause = f"shortage of {lost:g} {material.unit} of {material.code}"
    late = await tell_sales(session, outbox, at_risk, cause, actor)
    return late, f"{cause}: {material.on_hand:g} left, {len(late)} order(s) now late"


async def report_incident(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: IncidentKind,
    today: date,
    reserve_share: float,
    line_code: str | None = None,
    material_code: str | None = None,
    hours: float | None = None,
    quantity: float | None = None,
    starts_at: datetime | None = None,
    message: str | None = None,
    broker: EventBroker | None = None,
) -> IncidentOutcome:
    """Record the incident, take the capacity or material away, re-check promises, commit, then publish.

    reserve_share: the capacity policy's rush reserve, for ledger rows this creates.
    """
    bounds.text(message, ["message"])
    bounds.instant(starts_at, ["startsAt"])
    incident = Incident(kind=kind, starts_at=starts_at or utcnow(), message=message, reported_by=principal.actor)
    session.add(incident)
    outbox = Outbox()
    moved: list[AtRisk] = []
    if kind is IncidentKind.EQUIPMENT_FAILURE:
        late, moved, summary = await _equipment_failure(
            session, incident, line_code, hours, reserve_share, outbox, principal.actor
        )
    else:
        late, summary = await _material_shortage(
            session, incident, material_code, quantity, today, outbox, principal.actor
        )
    await session.flush()
    alert = await raise_alert(
        session, outbox, kind=kinds.INCIDENT, severity=kinds.CRITICAL if late else kinds.WARNING,
        message=summary + (f". {message}" if message else ""),
        line_id=incident.line_id, material_id=incident.material_id,
    )
    await session.commit()
    await outbox.publish(broker)
    return IncidentOutcome(incident, late, moved, outbox.alerts or [alert])

