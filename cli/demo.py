"""`sop demo load`: fill an empty database with the demo plant and print one API key per role."""

from __future__ import annotations

from datetime import date

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.options import DAY
from domain.api_keys import create_api_key
from domain.config import load_settings
from domain.db import masked, migrated_engine, session_scope, sync_engine
from domain.demo import DEFAULT_SEED, SIZES, load_demo
from domain.errors import DatabaseNotEmpty
from domain.models import Customer, CustomerTier
from domain.planning.service import run_replan
from domain.planning.weekly import ReplanSettings
from domain.rules_sync import rulebook_in_force
from rules import RuleBook

# One key per role, the read-only one first (the printed curl uses it), the people of the joint review next.
ROLES = ("viewer", "partner", "mes", "planner", "purchasing", "sales", "production", "technology", "finance", "admin")
GRAPHQL_URL = "http://127.0.0.1:{port}/graphql"


@click.group("demo")
def demo_cli() -> None:
    """The demo plant."""


def _partner_customers(session: Session) -> list[str]:
    """A partner key acts for one strategic and one other demo customer."""
    strategic = session.scalars(select(Customer.code).where(Customer.tier == CustomerTier.STRATEGIC)
                                .order_by(Customer.id).limit(1)).all()
    other = session.scalars(select(Customer.code).where(Customer.code.not_in(strategic))
                            .order_by(Customer.id).limit(1)).all()
    return [*strategic, *other]


def _rules_in_force() -> RuleBook:
    settings = load_settings()
    engine = sync_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            return rulebook_in_force(session, settings.rules_dir)
    finally:
        engine.dispose()


def _first_plan(today: date, book: RuleBook) -> str:
    """The weekly replan over the fresh plant, with the rules in force; returns a line to print."""
    settings = load_settings()
    policy = book.capacity_policy()
    replan = ReplanSettings(reserve_share=policy.reserve_share, frozen_days=policy.frozen_days,
                            solver=settings.solver, rules_version=book.version,
                            netting=policy.forecast_netting, forecast_lead_days=policy.forecast_lead_days)
    done = run_replan(settings.database_url, today=today, settings=replan, actor="demo")
    return f"plan version {done.version} in force ({len(done.scheduled_event_ids)} orders scheduled)"


def _unplaced(codes: list[str]) -> str:
    return f"; {len(codes)} not placed within a year: {', '.join(codes[:5])}" if codes else ""


@demo_cli.command("load")
@click.option("--size", type=click.Choice(list(SIZES)), default="small", show_default=True)
@click.option("--seed", type=click.IntRange(0), default=DEFAULT_SEED, show_default=True, help="Same seed, same plant.")
@click.option("--if-empty", is_flag=True, help="Skip loading (without error) when the database already has a plant.")
@click.option("--today", type=DAY, default=None, help="The day taken as today [default: today].")
@click.option("--plan/--no-plan", default=True, show_default=True,
              help="Run the weekly replan after loading, so a plan is in force from the start.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="The port `sop serve` will listen on, for the printed curl example.")
def load(size: str, seed: int, if_empty: bool, today: date | None, plan: bool, port: int) -> None:
    """Load the demo plant of SIZE into the database named by SOP_DATABASE_URL."""
    url = load_settings().database_url
    engine = migrated_engine(url)
    try:
        try:
            book = _rules_in_force()
            policy = book.capacity_policy()
            report = load_demo(engine, size, seed, today, if_empty=if_empty, progress=True,
                               reserve_share=policy.reserve_share, frozen_days=policy.frozen_days)
        except DatabaseNotEmpty as error:
            raise click.ClickException(f"{masked(url)}: {error.message}") from error
        if report.skipped:
            # Keys are minted with the plant only: `make run` runs this at every start, and 5 new keys a run piled up.
            click.echo(f"database {masked(url)} already holds a plant: demo load skipped (--if-empty)")
            click.echo("its demo keys were printed when the plant was loaded; "
                       "make a new one with `sop keys create --role viewer`")
            return
        click.echo(f"loaded the {size} demo plant (seed {seed}, today {report.today}): {report.total_rows:,} rows "
                   f"in {report.generate_seconds + report.insert_seconds:.1f} s")
        booked = report.booking
        click.echo(f"{booked.booked} open orders hold their hours on the lines; {len(booked.moved)} promises the lines "
                   f"could not keep moved later (AT_RISK events){_unplaced(booked.unplaced)}")
        if plan:
            click.echo(_first_plan(report.today, book))
        with session_scope(engine) as session:
            partner_codes = _partner_customers(session)
            keys = {role: create_api_key(session, role, f"demo-{role}", partner_codes if role == "partner" else None)
                    for role in ROLES}
    finally:
        engine.dispose()
    click.echo(f"API keys (shown once; partner acts for {', '.join(partner_codes)}):")
    for role, key in keys.items():
        click.echo(f"{role}: {key}")
    click.echo("try:")
    click.echo(f"curl -s {GRAPHQL_URL.format(port=port)} -H 'Authorization: Bearer {keys['viewer']}' "
               "-H 'Content-Type: application/json' "
               "-d '{\"query\": \"{ orders(first: 5) { edges { node { code status customer { name } } } } }\"}'")
