"""`sop check`: the capacity ledger's invariants on any database; exit 1 with each violation listed."""

from __future__ import annotations

import click

from domain.config import load_settings
from domain.db import masked, migrated_engine, session_scope
from domain.planning.checks import ledger_violations

SHOWN = 50  # violations printed one a line; the count says how many more


@click.command("check")
@click.option("--all", "show_all", is_flag=True, help="List every violation, not only the first 50.")
def check_cli(show_all: bool) -> None:
    """Check that no line-week is promised beyond what it can make and every promised order holds its hours."""
    settings = load_settings()
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            problems = ledger_violations(session)
    finally:
        engine.dispose()
    where = masked(settings.database_url)
    if not problems:
        click.echo(f"{where}: 0 violations")
        return
    for problem in problems if show_all else problems[:SHOWN]:
        click.echo(problem)
    more = len(problems) - SHOWN
    if more > 0 and not show_all:
        click.echo(f"... and {more} more (--all lists them)")
    click.echo(f"{where}: {len(problems)} violations", err=True)
    raise SystemExit(1)
