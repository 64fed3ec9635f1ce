"""Out-of-range days and horizons are refused by click, naming the option, before any database is touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.cli import cli


@pytest.mark.parametrize(("args", "option"), [
    (["kpis", "--from", "0001-01-01", "--to", "9999-12-31"], "'--from'"),
    (["kpis", "--from", "2026-01-01", "--to", "9999-12-31"], "'--to'"),
    (["plan", "weekly", "--today", "9999-12-31"], "'--today'"),
    (["plan", "weekly", "--horizon", "0"], "'--horizon'"),
    (["plan", "weekly", "--horizon", "27"], "'--horizon'"),
])
def test_out_of_range_options_are_usage_errors(args: list[str], option: str, tmp_path: Path) -> None:
    """Inputs tried: years 1 and 9999, horizons 0 and 27."""
    url = f"sqlite:///{tmp_path / 'none' / 'sop.db'}"
    result = CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert f"Invalid value for {option}" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "none").exists()
