"""The dead-letter list: deliveries that failed every attempt, with the last error, and sending them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import NotFound
from domain.models import Notice, NoticeDelivery, WebhookEndpoint, utcnow

DEAD, PENDING = "DEAD", "PENDING"


@dataclass(frozen=True)
class DeadLetter:
    delivery_id: int
    notice_id: int
    order_code: str
    url: str
    attempts: int
    last_error: str | None
    created_at: datetime


def dead_letters(session: Session) -> list[DeadLetter]:
    rows = session.execute(
        select(NoticeDelivery, Notice, WebhookEndpoint)
        .join(Notice, Notice.id == NoticeDelivery.notice_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == NoticeDelivery.endpoint_id)
        .where(NoticeDelivery.status == DEAD).order_by(NoticeDelivery.id))
    return [DeadLetter(d.id, n.id, n.order_code, e.url, d.attempts, d.last_error, n.created_at) for d, n, e in rows]


def retry_dead(session: Session, delivery_ids: list[int] | None = None) -> int:
    """Put dead deliveries back in the queue (all of them, or the ids given), due now, with a fresh count."""
    stmt = select(NoticeDelivery).where(NoticeDelivery.status == DEAD)
    if delivery_ids is not None:
        stmt = stmt.where(NoticeDelivery.id.in_(delivery_ids))
    rows = list(session.scalars(stmt).all())
    if delivery_ids is not None and len(rows) != len(set(delivery_ids)):
        missing = sorted(set(delivery_ids) - {r.id for r in rows})
        raise NotFound(f"no dead delivery with id {', '.join(map(str, missing))} (sop webhooks dead lists them)",
                       ["delivery_ids"])
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
    session.commit()
    return len(rows)
