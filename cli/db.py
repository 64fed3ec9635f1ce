"""`sop db`: migrate the database named by SOP_DATABASE_URL."""

from __future__ import annotations

import click

from domain.config import load_settings
from domain.db import checked_url, masked
from domain.migrate import upgrade_database


@click.group("db")
def db_cli() -> None:
    """Database schema."""


@db_cli.command("upgrade")
def upgrade() -> None:
    """Apply every migration up to the newest (safe to run again); makes a SQLite file and its folder."""
    url = load_settings().database_url
    checked_url(url)
    upgrade_database(url)
    click.echo(f"database at head: {masked(url)}")
