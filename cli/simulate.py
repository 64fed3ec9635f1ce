"""`sop simulate`: run the plant simulation and write its report."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from domain.config import load_settings
from domain.simulation import simulate, write_report
from domain.simulation.report import json_line

POLICIES = ("service", "naive", "edd")


def _policies(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in POLICIES]
    if unknown or not names:
        raise click.BadParameter(f"policies are a comma-separated subset of {', '.join(POLICIES)}")
    return names


@click.command("simulate")
@click.option("--weeks", type=click.IntRange(1, 52), default=26, show_default=True)
@click.option("--size", type=click.Choice(["small", "medium"]), default="small", show_default=True)
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True)
@click.option("--policies", default=",".join(POLICIES), show_default=True, help="Comma-separated policies.")
@click.option("--rules", "candidate", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="A candidate rule folder: the service runs with it too, as the column service:candidate.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for report.md, figures.json and the plots [default: var/simulate/<size>-<seed>].")
@click.option("--keep-db", is_flag=True,
              help="Keep the service's SQLite database in the --out folder (service.db, service-candidate.db), so "
                   "its orders, review reasons and plans can be read after the run with SOP_DATABASE_URL.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON line last.")
def simulate_cli(weeks: int, size: str, seed: int, policies: str, candidate: Path | None, out: Path | None,
                 keep_db: bool, as_json: bool) -> None:
    """Run the service and baseline policies over one seeded world and compare them (issue 14)."""
    settings = load_settings()
    out = out or Path("var") / "simulate" / f"{size}-{seed}"
    started = time.perf_counter()
    names = _policies(policies)
    if keep_db:
        result = simulate(size, seed, weeks, names, out, settings.rules_dir, candidate)
    else:
        with tempfile.TemporaryDirectory(prefix="sop-simulate-") as workdir:
            result = simulate(size, seed, weeks, names, Path(workdir), settings.rules_dir, candidate)
    seconds = time.perf_counter() - started
    report = write_report(result, out)
    click.echo(f"report: {report}")
    if keep_db:
        for kept in sorted(out.glob("service*.db")):
            click.echo(f"database: sqlite:///{kept.resolve()}")
    if as_json:
        click.echo(json_line(result, seconds))
