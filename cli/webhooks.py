"""`sop webhooks`: partners' notice endpoints (add prints the signing secret once), the dead-letter list, retries."""

from __future__ import annotations

import click

from cli.session import command_session
from domain.notices import add_endpoint, dead_letters, list_endpoints, remove_endpoint, retry_dead


@click.group("webhooks")
def webhooks_cli() -> None:
    """Webhooks that carry customer notices (AT_RISK, LATE, MOVED, PROPOSED) to partner systems."""


@webhooks_cli.command("add")
@click.option("--key", "key_prefix", required=True, help="The partner API key's prefix (sop keys list).")
@click.option("--url", required=True, help="Where to POST each notice, e.g. https://erp.example/sop-notices.")
def add(key_prefix: str, url: str) -> None:
    """Register an endpoint; the secret that signs its bodies is printed once, on the last line."""
    with command_session() as session:
        endpoint = add_endpoint(session, key_prefix, url)
    click.echo(f"endpoint {endpoint.id} for key {endpoint.key_prefix} ({endpoint.key_name}): {endpoint.url}")
    click.echo("bodies are signed: X-SOP-Signature = sha256=HMAC-SHA256(secret, X-SOP-Timestamp + '.' + body)")
    click.echo(endpoint.secret)


@webhooks_cli.command("list")
def list_cli() -> None:
    with command_session() as session:
        rows = list_endpoints(session)
    for e in rows:
        click.echo(f"{e.id:>4}  {e.key_prefix}  {e.key_name:<20}  {'active ' if e.active else 'removed'}  {e.url}")
    if not rows:
        click.echo("no webhook endpoints: add one with sop webhooks add --key PREFIX --url URL")


@webhooks_cli.command("remove")
@click.argument("endpoint_id", type=int)
def remove(endpoint_id: int) -> None:
    """Stop delivering to an endpoint; deliveries still pending for it are cancelled."""
    with command_session() as session:
        remove_endpoint(session, endpoint_id)
    click.echo(f"endpoint {endpoint_id} removed")


@webhooks_cli.command("dead")
def dead() -> None:
    """Deliveries that failed every attempt, with the last error."""
    with command_session() as session:
        rows = dead_letters(session)
    for d in rows:
        click.echo(f"{d.delivery_id:>6}  notice {d.notice_id} order {d.order_code}  {d.attempts} attempts  {d.url}  "
                   f"{d.last_error or ''}")
    click.echo(f"{len(rows)} dead deliveries")


@webhooks_cli.command("retry")
@click.argument("delivery_ids", type=int, nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Every dead delivery.")
def retry(delivery_ids: tuple[int, ...], retry_all: bool) -> None:
    """Send dead deliveries again (the ids `sop webhooks dead` lists, or --all)."""
    if not delivery_ids and not retry_all:
        raise click.UsageError("give delivery ids (sop webhooks dead lists them) or --all")
    with command_session() as session:
        count = retry_dead(session, None if retry_all else list(delivery_ids))
    click.echo(f"{count} deliveries queued again")
