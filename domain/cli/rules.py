"""`sop rules`: the rules package's check/test, plus reload and a backtest over stored orders."""

from __future__ import annotations

import pathlib
from datetime import datetime
from typing import Any

import click
from sqlalchemy import select

from domain.config import load_settings
from domain.db import session_scope, sync_engine
from domain.models import Order, OrderReview
from domain.rules_sync import RulesInForce
from rules import LiveRules, RulesError, compare, load_rulebook
from rules.book import load_rulebook_from_texts, read_folder
from rules.cli import rules_cli


def _echo_errors(error: RulesError) -> None:
    for problem in error.errors:
        click.echo(str(problem), err=True)


@rules_cli.command("reload")
@click.pass_obj
def reload(obj: dict[str, Any]) -> None:
    """Validate the rule files and make them live in every API process (exit 1 and nothing changes on error)."""
    settings = load_settings()
    engine = sync_engine(settings.database_url)
    try:
        holder = RulesInForce(LiveRules(obj["rules_dir"]))
        book, revision = holder.activate(actor="cli")
        with session_scope(engine) as session:
            session.add(revision)
    except RulesError as error:
        _echo_errors(error)
        raise SystemExit(1) from None
    finally:
        engine.dispose()
    click.echo(f"rules {book.version} are live ({len(book.rule_sets)} rule sets)")


@rules_cli.command("backtest")
@click.option("--candidate", required=True, type=click.Path(exists=True, file_okay=False, path_type=pathlib.Path))
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Orders received from (inclusive)."
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Orders received before.")
@click.pass_obj
def backtest(obj: dict[str, Any], candidate: pathlib.Path, start: datetime | None, end: datetime | None) -> None:
    """Replay the stored orders' review facts through the live and the candidate rules; print what changes."""
    try:
        live = load_rulebook(obj["rules_dir"])
        candidate_book = load_rulebook_from_texts(read_folder(candidate))
    except RulesError as error:
        _echo_errors(error)
        raise SystemExit(1) from None
    engine = sync_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            query = select(Order.code, OrderReview.facts).join(Order, Order.id == OrderReview.order_id)
            if start is not None:
                query = query.where(Order.received_at >= start)
            if end is not None:
                query = query.where(Order.received_at < end)
            rows = session.execute(query.order_by(OrderReview.id).execution_options(yield_per=5000)).all()
    finally:
        engine.dispose()
    report = compare(
        live, candidate_book, "review", (r.facts for r in rows), progress=True, keys=(r.code for r in rows)
    )
    click.echo(report.to_table())
