"""`sop webhooks`: add (partner keys only, http(s) URLs only; the secret printed once), list, remove, dead, retry."""

from __future__ import annotations

from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain.models import WebhookEndpoint
from tests.factories import make_api_key, make_customer


def _sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


def test_webhooks_are_for_partner_keys_and_http_urls(db: Engine, db_url: str) -> None:
    """Input tried: a viewer key's prefix, an ftp:// URL, an unknown prefix; then a partner key and https."""
    with Session(db) as session:
        viewer = make_api_key(session, "viewer").split("_")[1]
        partner = make_api_key(session, "partner", [make_customer(session, code="C1")], name="erp").split("_")[1]
        session.commit()
    refused = _sop(["webhooks", "add", "--key", viewer, "--url", "https://erp.example/n"], db_url)
    assert refused.exit_code == 1 and "is a viewer key" in refused.output
    bad_url = _sop(["webhooks", "add", "--key", partner, "--url", "ftp://erp.example/n"], db_url)
    assert bad_url.exit_code == 1 and "is not an http(s) URL" in bad_url.output
    unknown = _sop(["webhooks", "add", "--key", "nope", "--url", "https://erp.example/n"], db_url)
    assert unknown.exit_code == 1 and "no API key with prefix 'nope'" in unknown.output
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0
    added = _sop(["webhooks", "add", "--key", partner, "--url", "https://erp.example/n"], db_url)
    assert added.exit_code == 0, added.output
    secret = added.output.strip().splitlines()[-1]
    assert len(secret) >= 40 and secret not in _sop(["webhooks", "list"], db_url).output
    assert "erp" in _sop(["webhooks", "list"], db_url).output
    assert _sop(["webhooks", "dead"], db_url).output.endswith("0 dead deliveries\n")
    assert _sop(["webhooks", "retry"], db_url).exit_code == 2
    assert "no dead delivery with id 99" in _sop(["webhooks", "retry", "99"], db_url).output
    assert _sop(["webhooks", "remove", "1"], db_url).exit_code == 0
    assert "removed" in _sop(["webhooks", "list"], db_url).output
