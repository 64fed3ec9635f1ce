"""Webhook delivery from the notice outbox: fan out to endpoints, POST signed bodies, retry with backoff, dead-letter.

At least once: a delivery is claimed under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL, so several API
processes share the work), POSTed outside any transaction, and its outcome recorded; a process that dies in
between leaves the lease to run out and another attempt follows. Receivers dedupe by X-SOP-Notice-Id."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import in_force
from domain.clock import now as clock_now
from domain.models import ApiKey, Notice, NoticeDelivery, WebhookEndpoint, api_key_customers

log = logging.getLogger("domain.notices")
PENDING, DELIVERED, DEAD = "PENDING", "DELIVERED", "DEAD"


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often and how long to try (settings SOP_WEBHOOK_*)."""

    retry_base_seconds: float = 10.0  # the wait after the first failure; doubled after each further one
    max_backoff_seconds: float = 3600.0
    max_attempts: int = 8  # then DEAD: on the dead-letter list (`sop webhooks dead`, `sop webhooks retry`)
    timeout_seconds: float = 5.0
    lease_seconds: float = 60.0  # a claimed delivery is retried after this if its process died mid-POST
    batch: int = 50

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_backoff_seconds, self.retry_base_seconds * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class DeliveryRound:
    fanned_out: int
    delivered: int
    retried: int
    dead: int


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    notice_id: int
    url: str
    secret: str
    body: bytes
    attempts: int


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, as the X-SOP-Signature header carries it (sha256=...)."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def notice_body(notice: Notice) -> bytes:
    return json.dumps({"id": notice.id, "orderCode": notice.order_code, "kind": notice.kind,
                       "message": notice.message, "createdAt": notice.created_at.isoformat()},
                      separators=(",", ":")).encode()


async def fan_out(session: AsyncSession, now: datetime, batch: int = 500) -> int:
    """A delivery row per notice and per active endpoint whose partner key covers the notice's customer."""
    notices = list((await session.scalars(
        select(Notice).where(Notice.fanned_out.is_(False)).order_by(Notice.id).limit(batch)
        .with_for_update(skip_locked=True))).all())
    if not notices:
        return 0
    rows = await session.execute(
        select(WebhookEndpoint.id, api_key_customers.c.customer_id, ApiKey)
        .join(ApiKey, ApiKey.id == WebhookEndpoint.api_key_id)
        .join(api_key_customers, api_key_customers.c.api_key_id == ApiKey.id)
        .where(WebhookEndpoint.active.is_(True)))
    endpoints: dict[int, list[int]] = {}
    for endpoint_id, customer_id, key in rows:
        if in_force(key, now):
            endpoints.setdefault(customer_id, []).append(endpoint_id)
    for notice in notices:
        for endpoint_id in endpoints.get(notice.customer_id, []):
            session.add(NoticeDelivery(notice_id=notice.id, endpoint_id=endpoint_id, status=PENDING, attempts=0,
                                       next_attempt_at=now))
        notice.fanned_out = True
    await session.commit()
    return len(notices)


async def _claim(session: AsyncSession, now: datetime, policy: DeliveryPolicy) -> list[_Claimed]:
    rows = (await session.execute(
        select(NoticeDelivery, Notice, WebhookEndpoint)
        .join(Notice, Notice.id == NoticeDelivery.notice_id)
        .join(WebhookEndpoint, and_(WebhookEndpoint.id == NoticeDelivery.endpoint_id, WebhookEndpoint.active))
        .where(NoticeDelivery.status == PENDING, NoticeDelivery.next_attempt_at <= now)
        .order_by(NoticeDelivery.id).limit(policy.batch)
        .with_for_update(skip_locked=True, of=NoticeDelivery))).all()
    claimed = []
    for delivery, notice, endpoint in rows:
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=policy.lease_seconds)
        claimed.append(_Claimed(delivery.id, notice.id, endpoint.url, endpoint.secret, notice_body(notice),
                                delivery.attempts))
    await session.commit()
    return claimed


async def _post(client: httpx.AsyncClient, item: _Claimed, now: datetime, policy: DeliveryPolicy) -> str | None:
    """None when the receiver took it (2xx); else what went wrong, for last_error."""
    timestamp = str(int(now.timestamp()))
    headers = {"Content-Type": "application/json", "X-SOP-Notice-Id": str(item.notice_id),
               "X-SOP-Timestamp": timestamp, "X-SOP-Signature": signature(item.secret, timestamp, item.body)}
    try:
        answer = await client.post(item.url, content=item.body, headers=headers, timeout=policy.timeout_seconds)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    return None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}: {answer.text[:200]}"


async def _record(session: AsyncSession, outcomes: list[tuple[_Claimed, str | None]], now: datetime,
                  policy: DeliveryPolicy) -> tuple[int, int, int]:
    delivered = retried = dead = 0
    for item, error in outcomes:
        delivery = await session.get(NoticeDelivery, item.delivery_id)
        if delivery is None or delivery.status != PENDING:
            continue
        if error is None:
            delivery.status, delivery.delivered_at, delivery.last_error = DELIVERED, now, None
            notice = await session.get(Notice, item.notice_id)
            if notice is not None and notice.delivered_at is None:
                notice.delivered_at = now
            delivered += 1
        elif item.attempts >= policy.max_attempts:
            delivery.status, delivery.last_error = DEAD, error
            dead += 1
        else:
            delivery.next_attempt_at, delivery.last_error = now + policy.backoff(item.attempts), error
            retried += 1
    await session.commit()
    return delivered, retried, dead


async def deliver_due(sessions: Callable[[], Any], client: httpx.AsyncClient, policy: DeliveryPolicy,
                      now: datetime | None = None) -> DeliveryRound:
    """One round: fan out new notices, then try every delivery that is due."""
    at = now or clock_now()
    async with sessions() as session:
        fanned = await fan_out(session, at)
    async with sessions() as session:
        claimed = await _claim(session, at, policy)
    outcomes = [(item, await _post(client, item, at, policy)) for item in claimed]
    async with sessions() as session:
        delivered, retried, dead = await _record(session, outcomes, at, policy)
    return DeliveryRound(fanned, delivered, retried, dead)


async def deliver_forever(sessions: Callable[[], Any], policy: DeliveryPolicy, interval_seconds: float) -> None:
    """The API process's delivery loop (started by the app's lifespan): a failed round is logged, never fatal."""
    async with httpx.AsyncClient() as client:
        while True:
            try:
                await deliver_due(sessions, client, policy)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook delivery round failed; the next round retries")
            await asyncio.sleep(interval_seconds)
