"""The `sop` command line: serve, migrate, load the demo plant or import one, manage keys, rules, plans and KPIs."""

from __future__ import annotations

import click

from cli.check import check_cli
from cli.db import db_cli
from cli.demo import demo_cli
from cli.errors import HandledGroup
from cli.keys import keys_cli
from cli.kpis import kpis_cli
from cli.plan import plan_cli
from cli.plant_data import export_cli, import_cli
from cli.rules import rules_cli, stored_review_facts, stored_rules_in_force
from cli.serve import serve
from cli.simulate import simulate_cli
from cli.webhooks import webhooks_cli
from domain.config import load_settings


@click.group(cls=HandledGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Sales-and-operations decision service."""
    ctx.obj = {"rules_dir": load_settings().rules_dir, "stored_facts": stored_review_facts,
               "rules_in_force": stored_rules_in_force}


cli.add_command(serve)
cli.add_command(db_cli)
cli.add_command(demo_cli)
cli.add_command(keys_cli)
cli.add_command(plan_cli)
cli.add_command(rules_cli)
cli.add_command(kpis_cli)
cli.add_command(check_cli)
cli.add_command(simulate_cli)
cli.add_command(import_cli)
cli.add_command(export_cli)
cli.add_command(webhooks_cli)


def main() -> None:
    cli()
