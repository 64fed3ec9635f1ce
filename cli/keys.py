"""`sop keys`: create, list, revoke and rotate API keys (a new key is printed once, on the last line)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from cli.options import INSTANT
from cli.session import command_session
from domain.api_keys import (
    MAX_GRACE_HOURS,
    KeyListing,
    create_api_key,
    expiry,
    list_api_keys,
    revoke_api_key,
    rotate_api_key,
)
from domain.models import Role, utcnow


def _expiry_options(command: Callable[..., Any]) -> Callable[..., Any]:
    days = click.option("--expires-in-days", type=int, default=None, help="The key stops working after N days.")
    at = click.option("--expires-at", type=INSTANT, default=None,
                      help="The key stops working at this instant (a bare day: its midnight UTC).")
    return days(at(command))


def _when(at: datetime | None) -> str:
    return "-" if at is None else f"{at:%Y-%m-%d %H:%M}"


@click.group("keys")
def keys_cli() -> None:
    """API keys."""


@keys_cli.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--customer", "customers", multiple=True, help="Customer code a partner key may act for (repeatable).")
@click.option("--name", default=None, help="A label to recognise the key by.")
@_expiry_options
def create(role: str, customers: tuple[str, ...], name: str | None, expires_in_days: int | None,
           expires_at: datetime | None) -> None:
    """Create a key for ROLE and print it."""
    with command_session() as session:
        key = create_api_key(session, role, name, list(customers), expiry(utcnow(), expires_in_days, expires_at))
    click.echo(f"created {role} key (store it now; it is not shown again):")
    click.echo(key)


COLUMNS = ("id", "prefix", "name", "role", "customers", "created", "expires", "last used", "revoked", "state")


def _row(key: KeyListing, now: datetime) -> tuple[str, ...]:
    return (str(key.id), key.prefix, key.name, key.role.value, ",".join(key.customers) or "-", _when(key.created_at),
            _when(key.expires_at), _when(key.last_used_at), _when(key.revoked_at), key.state(now))


@keys_cli.command("list")
def list_keys() -> None:
    """Every key, oldest first, times in UTC; never the key itself (only its prefix)."""
    with command_session() as session:
        keys = list_api_keys(session)
    now = utcnow()
    rows = [COLUMNS, *(_row(key, now) for key in keys)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@keys_cli.command("revoke")
@click.argument("id_or_prefix")
def revoke(id_or_prefix: str) -> None:
    """Refuse the key ID_OR_PREFIX from its next request on, in every API process."""
    with command_session() as session:
        done = revoke_api_key(session, id_or_prefix)
    key = done.key
    verb = "was already revoked" if done.already else "revoked"
    click.echo(f"key {key.id} ({key.prefix}, {key.name}) {verb} at {_when(key.revoked_at)} UTC")


@keys_cli.command("rotate")
@click.argument("id_or_prefix")
@click.option("--grace-hours", type=float, default=0.0, show_default=True,
              help=f"The old key keeps working this long (at most {MAX_GRACE_HOURS}), so callers can switch.")
@_expiry_options
def rotate(id_or_prefix: str, grace_hours: float, expires_in_days: int | None, expires_at: datetime | None) -> None:
    """A new key for the same name, role and customers as ID_OR_PREFIX (printed once); the old one is revoked.

    Without --expires-*, a key that had an expiry gets one as far ahead as the old one had from its creation."""
    now = utcnow()
    with command_session() as session:
        done = rotate_api_key(session, id_or_prefix, grace_hours,
                              expiry(now, expires_in_days, expires_at), now)
    old, new = done.old, done.new
    click.echo(f"key {old.id} ({old.prefix}) is revoked from {_when(old.revoked_at)} UTC; new key {new.id} "
               f"({new.prefix}), expires {_when(new.expires_at)} (store it now; it is not shown again):")
    click.echo(done.key)
