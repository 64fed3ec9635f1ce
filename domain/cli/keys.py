"""`sop keys`: create API keys (the key is printed once, on the last line)."""

from __future__ import annotations

import click

from domain.access import create_api_key
from domain.config import load_settings
from domain.db import migrated_engine, session_scope


@click.group("keys")
def keys_cli() -> None:
    """API keys."""


@keys_cli.command("create")
@click.option("--role", required=True, type=click.Choice(["viewer", "partner", "mes", "planner", "admin"]))
@click.option("--customer", "customers", multiple=True, help="Customer code a partner key may act for (repeatable).")
@click.option("--name", default=None, help="A label to recognise the key by.")
def create(role: str, customers: tuple[str, ...], name: str | None) -> None:
    """Create a key for ROLE and print it."""
    engine = migrated_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            key = create_api_key(session, role, name, list(customers))
    finally:
        engine.dispose()
    click.echo(f"created {role} key (store it now; it is not shown again):")
    click.echo(key)
