"""The documents say how to run `sop`, and the rule-change path of rules/README.md is one the CLI accepts."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from cli import cli
from domain.config import REPO_ROOT

DOCUMENTS = ["README.md", "rules/README.md", "api/README.md"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_document_says_how_to_run_sop(document: str) -> None:
    """Input tried: `sop rules check` typed after `make run`, as every document said (command not found)."""
    text = " ".join((REPO_ROOT / document).read_text().split())
    assert "`. .venv/bin/activate` once in each new terminal" in text
    assert "`.venv/bin/sop" in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_says_how_to_run_sop() -> None:
    out = subprocess.run(["make", "-n", "-W", "pyproject.toml", "run"], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "type '. .venv/bin/activate' once per terminal, or '.venv/bin/sop ...'" in out


def _commands(document: str) -> list[str]:
    return re.findall(r"`(sop [^`]+)`", (REPO_ROOT / document).read_text())


def test_the_rule_change_path_is_in_order() -> None:
    """check, test, backtest of the edited copy, simulate it, then reload: one path."""
    commands = _commands("rules/README.md")
    steps = ["sop rules check --folder ~/rules-edit", "sop rules test --folder ~/rules-edit",
             "sop rules backtest --folder ~/rules-edit", "sop simulate --rules ~/rules-edit", "sop rules reload"]
    assert [commands.index(step) for step in steps] == sorted(commands.index(step) for step in steps)


@pytest.mark.parametrize("command", sorted({c for c in _commands("rules/README.md") if c.startswith("sop rules")}))
def test_every_rules_command_in_the_guide_parses(command: str) -> None:
    """Each `sop rules ...` of rules/README.md with its options as written (`--help` stops before it runs)."""
    result = CliRunner().invoke(cli, [*shlex.split(command)[1:], "--help"])
    assert result.exit_code == 0, result.output
