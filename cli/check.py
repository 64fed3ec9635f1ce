"""`sop check`: the capacity ledger's invariants on any database (exit 1 with each violation listed), and open
orders past their promise marked LATE."""

from __future__ import annotations

from datetime import date

import click

from cli.options import DAY
from domain import clock
from domain.capacity.checks import ledger_violations
from domain.config import load_settings
from domain.db import masked, migrated_engine, session_scope
from domain.events.outbox import Outbox
from domain.floor.lateness import late_orders, mark_late_sync

SHOWN = 50  # violations printed one a line; the count says how many more


@click.command("check")
@click.option("--all", "show_all", is_flag=True, help="List every violation, not only the first 50.")
@click.option("--today", type=DAY, default=None, help="The day taken as today for lateness [default: today].")
def check_cli(show_all: bool, today: date | None) -> None:
    """Check that no line-week is promised beyond what it can make and every promised order holds its hours;
    open orders past their promised date become LATE (an event and an alert, once per promise)."""
    settings = load_settings()
    engine = migrated_engine(settings.database_url)
    day = today or clock.today()
    try:
        with session_scope(engine) as session:
            problems = ledger_violations(session)
            marked = mark_late_sync(session, Outbox(), day, actor="sop check")
            late = len(late_orders(session, day))
    finally:
        engine.dispose()
    where = masked(settings.database_url)
    click.echo(f"{late} open orders are past their promised date ({len(marked)} newly marked LATE)")
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
