"""The `sop` command line: serve, migrate, load the demo plant, manage keys, rules, plans and KPIs."""

from __future__ import annotations

import click

from domain.cli.db import db_cli
from domain.cli.keys import keys_cli
from domain.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Sales-and-operations decision service."""


cli.add_command(serve)
cli.add_command(db_cli)
cli.add_command(keys_cli)


def main() -> None:
    cli()
