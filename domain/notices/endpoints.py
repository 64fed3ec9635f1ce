"""The partners' webhook endpoints: registered per partner API key, with a secret that signs every body."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.errors import InvalidInput, NotFound
from domain.models import ApiKey, NoticeDelivery, Role, WebhookEndpoint, utcnow


@dataclass(frozen=True)
class RegisteredEndpoint:
    id: int
    key_prefix: str
    key_name: str
    url: str
    secret: str
    active: bool


def _checked_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"webhook URL {url!r} is not an http(s) URL such as https://erp.example/sop-notices",
                           ["url"])
    return url.strip()


def add_endpoint(session: Session, key_prefix: str, url: str) -> RegisteredEndpoint:
    """A partner key's endpoint; the secret is made here and shown once (the partner checks signatures with it)."""
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == key_prefix))
    if key is None:
        raise NotFound(f"no API key with prefix {key_prefix!r} (sop keys list shows them)", ["key_prefix"])
    if key.role is not Role.PARTNER:
        raise InvalidInput(f"API key {key_prefix} is a {key.role.value} key: webhooks carry notices to partner "
                           "systems, about their own customers' orders", ["key_prefix"])
    endpoint = WebhookEndpoint(api_key_id=key.id, url=_checked_url(url), secret=secrets.token_urlsafe(32),
                               active=True, created_at=utcnow())
    session.add(endpoint)
    session.commit()
    return RegisteredEndpoint(endpoint.id, key.prefix, key.name, endpoint.url, endpoint.secret, True)


def list_endpoints(session: Session) -> list[RegisteredEndpoint]:
    rows = session.execute(select(WebhookEndpoint, ApiKey).join(ApiKey, ApiKey.id == WebhookEndpoint.api_key_id)
                           .order_by(WebhookEndpoint.id))
    return [RegisteredEndpoint(e.id, k.prefix, k.name, e.url, "(hidden)", e.active) for e, k in rows]


def remove_endpoint(session: Session, endpoint_id: int) -> None:
    """Stop delivering to it; what it was sent stays on record."""
    found = session.get(WebhookEndpoint, endpoint_id)
    if found is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}", ["endpoint_id"])
    found.active = False
    session.execute(update(NoticeDelivery).where(NoticeDelivery.endpoint_id == endpoint_id,
                                                 NoticeDelivery.status == "PENDING").values(status="CANCELLED"))
    session.commit()
