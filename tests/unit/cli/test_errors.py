"""The `sop` group turns errors a user can act on into one line and exit 1; our bugs keep their traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.exc import IntegrityError, OperationalError

from cli import cli
from cli.errors import HandledGroup
from domain.db import DatabaseUnusable
from domain.errors import InvalidInput
from rules import RuleFileError, RulesError


def _group_raising(error: BaseException) -> click.Group:
    @click.group(cls=HandledGroup)
    def group() -> None:
        pass

    @group.command()
    def go() -> None:
        raise error

    return group


@pytest.mark.parametrize(("error", "shown"), [
    (DatabaseUnusable("database sqlite:///x.db is not migrated: run `sop db upgrade`"),
     "Error: database sqlite:///x.db is not migrated: run `sop db upgrade`\n"),
    (InvalidInput("the seed must be 0 or more, got -1", ["seed"]), "Error: the seed must be 0 or more, got -1\n"),
    (RulesError([RuleFileError("review.yaml", 3, None, "not valid YAML")]),
     "Error: the rules do not load:\nreview.yaml:3: not valid YAML\n"),
    (OperationalError("SELECT 1", {}, Exception("database is locked")),
     "Error: cannot use database postgresql://sop:***@db/sop: database is locked\n"),
])
def test_errors_a_user_can_act_on_end_in_one_message_and_exit_1(
    error: BaseException, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inputs tried: an unusable database, a domain refusal, a broken rule file, a locked database (as raised)."""
    monkeypatch.setenv("SOP_DATABASE_URL", "postgresql://sop:secret@db/sop")
    result = CliRunner().invoke(_group_raising(error), ["go"])
    assert result.exit_code == 1
    assert result.stderr == shown and result.exception is not None and isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("error", [IntegrityError("INSERT", {}, Exception("UNIQUE failed")), KeyError("plan")])
def test_our_bugs_keep_their_traceback(error: BaseException) -> None:
    """Inputs tried: a broken constraint (our statement is wrong) and a KeyError: neither is the user's to fix."""
    result = CliRunner().invoke(_group_raising(error), ["go"])
    assert result.exit_code == 1 and result.exception is error


def test_a_bad_setting_is_one_line_naming_the_variable() -> None:
    result = CliRunner().invoke(cli, ["keys", "list"], env={"SOP_RATE_LIMIT_PER_KEY": "lots"})
    assert result.exit_code == 1
    assert result.output == ("Error: SOP_RATE_LIMIT_PER_KEY='lots' is not a rate such as '20/s burst 40', "
                             "'600/min' or 'off'\n")
