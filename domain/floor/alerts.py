"""Open, update and close alerts; a dedup key keeps one open alert per condition (R10, R11).

Written once for a sync Session (the weekly replan runs sync); async use cases call the same code
through AsyncSession.run_sync.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.events import kinds
from domain.events.outbox import Outbox
from domain.models import Alert, utcnow


def late_order_key(order_code: str) -> str:
    """One open alert per order: found past its date after an incident put it at risk updates that alert."""
    return f"{kinds.LATE_ORDER}:{order_code}"


def raise_alert_sync(
    session: Session, outbox: Outbox, *, kind: str, severity: str, message: str, dedup_key: str | None = None,
    **links: Any,
) -> Alert:
    """A new alert, or the open one with the same dedup key brought up to date (not a second one)."""
    alert = None
    if dedup_key is not None:
        alert = session.scalar(
            select(Alert).where(Alert.dedup_key == dedup_key, Alert.open.is_(True)).order_by(Alert.id).limit(1)
        )
    if alert is None:
        alert = Alert(kind=kind, severity=severity, message=message, dedup_key=dedup_key, open=True, **links)
        session.add(alert)
    else:
        changed = alert.message != message or alert.severity != severity
        alert.message, alert.severity = message, severity
        for name, value in links.items():
            setattr(alert, name, value)
        if not changed:
            return alert  # nothing new to tell subscribers
    session.flush()
    outbox.alert(alert)
    return alert


def close_alerts_sync(session: Session, outbox: Outbox, dedup_key: str, at: datetime | None = None) -> list[Alert]:
    """Close the open alerts of a condition that no longer holds."""
    alerts = list(session.scalars(select(Alert).where(Alert.dedup_key == dedup_key, Alert.open.is_(True))))
    for alert in alerts:
        alert.open = False
        alert.closed_at = at or utcnow()
        outbox.alert(alert)
    return alerts


async def raise_alert(
    session: AsyncSession, outbox: Outbox, *, kind: str, severity: str, message: str, dedup_key: str | None = None,
    **links: Any,
) -> Alert:
    return await session.run_sync(
        lambda s: raise_alert_sync(
            s, outbox, kind=kind, severity=severity, message=message, dedup_key=dedup_key, **links
        )
    )


async def close_alerts(
    session: AsyncSession, outbox: Outbox, dedup_key: str, at: datetime | None = None
) -> list[Alert]:
    return await session.run_sync(lambda s: close_alerts_sync(s, outbox, dedup_key, at))
