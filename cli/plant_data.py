"""`sop import` and `sop export`: the plant's own data in the exchange format of docs/import/."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import TypeVar

import click

from cli.options import DAY
from domain import clock
from domain.config import load_settings
from domain.db import masked, migrated_engine, session_scope
from domain.plant_data import STEPS, PlantDataRefused, export_plant, import_plant
from domain.rules_sync import rulebook_in_force

T = TypeVar("T")
FLAGGED_SHOWN = 20  # orders named on the terminal; the alerts hold every one


def run_async(work: Coroutine[object, object, T]) -> T:
    """On a thread of its own: the caller may already run an event loop (an async test), where asyncio.run fails."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, work).result()


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Check the files against the format and the database; write nothing.")
@click.option("--today", type=DAY, default=None, help="The day taken as today for booking [default: today].")
def import_cli(path: Path, check: bool, today: date | None) -> None:
    """Import the plant at PATH (a folder of CSV files or an .xlsx workbook): upsert by code, all or nothing."""
    settings = load_settings()
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            book = rulebook_in_force(session, settings.rules_dir)
    finally:
        engine.dispose()
    day = today or clock.today()  # read once at the entry point; the use case takes it
    with click.progressbar(length=STEPS, label="import", show_eta=False) as bar:
        def step(_: str) -> None:
            bar.update(1)
        try:
            report = run_async(import_plant(settings.database_url, path, day, book, check=check, step=step))
        except PlantDataRefused as refused:
            click.echo("", err=True)
            for line in refused.lines:
                click.echo(line, err=True)
            raise click.ClickException(f"{path}: refused, nothing was written") from refused
    counts = ", ".join(f"{n} {name}" for name, n in report.counts.items() if n)
    if not report.written:
        click.echo(f"{path}: no problems found ({counts}); nothing written (--check)")
        return
    click.echo(f"imported into {masked(settings.database_url)}: {counts}")
    click.echo(f"{report.audited} customers, products, materials and lines created or changed (audit log, actor "
               f"{report.actor!r})")
    booked = report.booking
    click.echo(f"{report.orders_entered} new open orders booked on the lines; {len(booked.moved)} moved later than "
               f"requested (AT_RISK events); {len(report.orders_kept)} already in the database left as they were")
    if not booked.reviewed:
        return
    click.echo(f"{booked.reviewed} reviewed by the review rules (version {book.version[:12]}): "
               f"{booked.reviewed - len(booked.flagged)} accepted as they are, {len(booked.flagged)} kept booked "
               "with an ORDER_REVIEW alert for a person")
    for verdict in booked.flagged[:FLAGGED_SHOWN]:
        asked = f" (sign-off: {', '.join(verdict.sign_offs)})" if verdict.sign_offs else ""
        click.echo(f"  {verdict.code}: would {verdict.decision.value}{asked}: {'; '.join(verdict.failed)}")
    if len(booked.flagged) > FLAGGED_SHOWN:
        click.echo(f"  ... and {len(booked.flagged) - FLAGGED_SHOWN} more (the alerts list them all)")


@click.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_cli(folder: Path) -> None:
    """Write the plant in the database to FOLDER as the exchange format's CSV files."""
    settings = load_settings()
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            written = export_plant(session, folder)
    finally:
        engine.dispose()
    click.echo(f"exported to {folder}: " + ", ".join(f"{n} {name}" for name, n in written.items()))
