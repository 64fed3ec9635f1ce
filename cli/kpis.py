"""`sop kpis`: the KPI report of a period with its scorecards, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import date

import click

from cli.options import DAY
from domain.config import load_settings
from domain.db import migrated_engine, session_scope
from domain.errors import DomainError
from domain.kpis import KpiReport, KpiValue, Period, Scorecard, kpi_report, scorecards
from domain.rules_sync import rulebook_in_force

COLUMNS = ("kpi", "value", "numerator", "denominator", "unit", "reason")


def _cells(kpi: KpiValue) -> list[str]:
    def show(x: float | None) -> str:
        return "" if x is None else f"{x:.4g}"

    return [kpi.name, show(kpi.value), show(kpi.numerator), show(kpi.denominator), kpi.unit, kpi.reason or ""]


def _table(report: KpiReport, cards: list[Scorecard]) -> str:
    rows = [list(COLUMNS), *(_cells(k) for k in report.kpis.values())]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [f"KPIs {report.period.start} .. {report.period.end} (to excluded)"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    for card in cards:
        bonus = f"bonus {card.bonus_rate:.0%}" if card.bonus_eligible else "no bonus"
        lines.append(f"\n{card.team} scorecard: score {card.score:.3f} ({bonus}: {card.bonus_reason})")
        if card.note:
            lines.append(f"  {card.note}")
        for c in card.components:
            att = "n/a" if c.attainment is None else f"{c.attainment:.3f}"
            lines.append(f"  {c.kpi:<26} weight {c.weight:.2f}  target {c.target:<6g} attainment {att}")
    return "\n".join(lines)


def _csv(report: KpiReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for kpi in report.kpis.values():
        writer.writerow([kpi.name, kpi.value, kpi.numerator, kpi.denominator, kpi.unit, kpi.reason or ""])
    return out.getvalue().rstrip("\n")


@click.command("kpis")
@click.option("--from", "start", type=DAY, required=True, help="First day (included).")
@click.option("--to", "end", type=DAY, required=True, help="Last day (excluded).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def kpis_cli(start: date, end: date, fmt: str) -> None:
    """Shared KPIs (R12) and scorecards (R13) for the period [--from, --to)."""
    settings = load_settings()
    try:
        period = Period(start, end)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="--to") from error
    engine = migrated_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            report = kpi_report(session, period)
            book = rulebook_in_force(session, settings.rules_dir)
    finally:
        engine.dispose()
    cards = scorecards(report, book.scorecards())
    if fmt == "json":
        body = {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "kpis": [asdict(k) for k in report.kpis.values()],
            "scorecards": [asdict(c) for c in cards],
        }
        click.echo(json.dumps(body, indent=2))
    else:
        click.echo(_csv(report) if fmt == "csv" else _table(report, cards))
