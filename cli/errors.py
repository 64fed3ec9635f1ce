"""The one place where an error a user can act on becomes one line and exit 1 (our bugs keep their traceback)."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError

from domain.config import SettingInvalid, load_settings
from domain.db import DatabaseUnusable, masked, one_line
from domain.errors import DomainError
from rules import RulesError


def _database_trouble(error: DatabaseError | InterfaceError) -> bool:
    """The database is unreachable, locked, full or not a database: not a mistake in our statements.

    IntegrityError, ProgrammingError and DataError (DatabaseError's other kinds) are left to show a traceback."""
    return isinstance(error, OperationalError | InterfaceError) or type(error) is DatabaseError


class HandledGroup(click.Group):
    """A command group whose commands' DomainError, RulesError and database troubles end as a click error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DatabaseUnusable as error:
            raise click.ClickException(error.message) from error
        except SettingInvalid as error:
            raise click.ClickException(str(error)) from error
        except DomainError as error:
            raise click.ClickException(error.message) from error
        except RulesError as error:
            lines = "\n".join(str(problem) for problem in error.errors)
            raise click.ClickException(f"the rules do not load:\n{lines}") from error
        except (DatabaseError, InterfaceError) as error:
            if not _database_trouble(error):
                raise
            url = masked(load_settings().database_url)
            raise click.ClickException(f"cannot use database {url}: {one_line(error.orig)}") from error
