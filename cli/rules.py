"""`sop rules`: the rules package's check/test/backtest, plus reload and what backtest reads from the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import click
from sqlalchemy import select

from domain.config import load_settings
from domain.db import migrated_engine, session_scope
from domain.models import Order, OrderReview
from domain.rules_sync import RulesInForce, revision_in_force
from rules import LiveRules, RulesError
from rules.cli import rules_cli
from rules.cli_options import echo_errors, folder_option


@rules_cli.command("reload")
@folder_option
@click.pass_obj
def reload(obj: dict[str, Any]) -> None:
    """Validate the rule files and make them live in every API process (exit 1 and nothing changes on error)."""
    settings = load_settings()
    engine = migrated_engine(settings.database_url)
    try:
        holder = RulesInForce(LiveRules(obj["rules_dir"]))
        book, revision = holder.activate(actor="cli")
        with session_scope(engine) as session:
            session.add(revision)
    except RulesError as error:
        echo_errors(error)
        raise SystemExit(1) from None
    finally:
        engine.dispose()
    click.echo(f"rules {book.version} are live ({len(book.rule_sets)} rule sets)")


def stored_rules_in_force() -> tuple[dict[str, str] | None, str]:
    """The files of the revision the server decides with and which one it is, or None and why there is none.

    A database it cannot use is refused (DatabaseUnusable), as by every command: the folder standing in for
    it could differ from what the server decides with. `--live DIR` compares with a folder instead."""
    engine = migrated_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            revision = revision_in_force(session)
            if revision is None or not revision.files:
                return None, ("the database holds no rules revision yet (the server has not started and no "
                              "`sop rules reload` ran), so the server decides with this folder")
            return dict(revision.files), (f"the rules in force, revision {revision.id} activated by "
                                          f"{revision.activated_by or 'an unnamed admin'} on "
                                          f"{revision.activated_at:%Y-%m-%d %H:%M} UTC")
    finally:
        engine.dispose()


def stored_review_facts(start: datetime | None, end: datetime | None
                        ) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    """(order code, review facts, the review's own figures per criterion) of the stored orders received in
    [start, end), oldest review first. Reviews stored before the figures were kept have none."""
    engine = migrated_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            query = (select(Order.code, OrderReview.facts, OrderReview.criteria)
                     .join(Order, Order.id == OrderReview.order_id))
            if start is not None:
                query = query.where(Order.received_at >= start)
            if end is not None:
                query = query.where(Order.received_at < end)
            rows = session.execute(query.order_by(OrderReview.id).execution_options(yield_per=5000))
            yield from ((code, facts, {str(c.get("criterion")): str(c["details"]) for c in criteria or []
                                       if c.get("details")}) for code, facts, criteria in rows)
    finally:
        engine.dispose()
