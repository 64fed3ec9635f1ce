"""Out-of-range days, horizons and seeds are refused by click, naming the option, before any database is touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from domain.demo import SIZES, generate_plant
from domain.errors import InvalidInput


@pytest.mark.parametrize(("args", "option"), [
    (["kpis", "--from", "0001-01-01", "--to", "9999-12-31"], "'--from'"),
    (["kpis", "--from", "2026-01-01", "--to", "9999-12-31"], "'--to'"),
    (["plan", "weekly", "--today", "9999-12-31"], "'--today'"),
    (["demo", "load", "--today", "0001-01-01"], "'--today'"),
    (["plan", "weekly", "--horizon", "0"], "'--horizon'"),
    (["plan", "weekly", "--horizon", "27"], "'--horizon'"),
    (["demo", "load", "--seed", "-1"], "'--seed'"),
])
def test_out_of_range_options_are_usage_errors(args: list[str], option: str, tmp_path: Path) -> None:
    """Inputs tried: years 1 and 9999, horizons 0 and 27, seed -1."""
    url = f"sqlite:///{tmp_path / 'none' / 'sop.db'}"
    result = CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert f"Invalid value for {option}" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "none").exists()


def test_a_negative_seed_is_refused_by_the_generator_too() -> None:
    """Input tried: seed -1 given to the domain (numpy's SeedSequence raised a ValueError traceback)."""
    with pytest.raises(InvalidInput, match="seed must be 0 or more, got -1"):
        generate_plant(SIZES["small"], seed=-1)
