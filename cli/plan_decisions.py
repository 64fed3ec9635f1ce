"""`sop plan approve` and `sop plan reject`: plan consensus (R5) from a terminal, for a plant without a frontend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import select

from cli.session import command_session
from domain import clock
from domain.config import load_settings
from domain.errors import DomainError
from domain.models import Plan, Role
from domain.planning.consensus import SIDE_OF_ROLE, Person
from domain.planning.service import ReplanDone, run_decision

ROLES = sorted(r.value for r in (Role.ADMIN, *SIDE_OF_ROLE))


def _who(command: Callable[..., Any]) -> Callable[..., Any]:
    """The plan version and the person deciding, as both commands take them."""
    command = click.option("--name", "person", required=True, help="Who decides (recorded with the decision).")(command)
    command = click.option("--role", type=click.Choice(ROLES), required=True,
                           help="The side decided for: planner or production (production's side), sales, or admin "
                                "(the side still missing, production first).")(command)
    return click.argument("version", type=click.IntRange(min=1))(command)


@click.command("approve")
@_who
@click.option("--reason", default=None, help="Why (optional).")
def approve(version: int, role: str, person: str, reason: str | None) -> None:
    """Approve DRAFT plan VERSION for one side; the second side's approval puts it in force."""
    done = _decide(version, Person(person.strip(), Role(role)), reason, approve=True)
    if done.in_force:
        click.echo(f"plan version {version} is in force now: {len(done.scheduled_event_ids)} orders scheduled, "
                   f"{len(done.late_event_ids)} orders late, {len(done.alert_ids)} alerts")
    else:
        click.echo(f"plan version {version} approved by {person.strip()} ({role}); it waits for the other side")


@click.command("reject")
@_who
@click.option("--reason", required=True, help="Why (required). The plan in force stays.")
def reject(version: int, role: str, person: str, reason: str) -> None:
    """Reject DRAFT plan VERSION for good; the plan in force stays."""
    _decide(version, Person(person.strip(), Role(role)), reason, approve=False)
    click.echo(f"plan version {version} is REJECTED; the plan in force stays")


def _decide(version: int, person: Person, reason: str | None, *, approve: bool) -> ReplanDone:
    """The plan by its version, decided and committed in one transaction; a refusal changes nothing."""
    if not person.name:
        raise click.BadParameter("a name is needed", param_hint="--name")
    with command_session() as session:
        plan_id = session.scalar(select(Plan.id).where(Plan.version == version))
    if plan_id is None:
        raise click.ClickException(f"no plan version {version}")
    try:
        return run_decision(load_settings().database_url, plan_id, person, reason, approve=approve, today=clock.today())
    except DomainError as refused:
        raise click.ClickException(str(refused)) from None
