"""`sop demo load` loads the plant, prints a working key per role, and respects --if-empty."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cli import cli
from domain.access import authenticate_sync
from domain.demo import SIZES, DemoSize
from domain.models import Role
from tests.ports import free_port

TINY = DemoSize("small", products=6, families=2, lines=2, customers=5, orders=40, forecast_weeks_ahead=2,
                forecast_weeks_back=2, history_days=60)


def _keys(output: str) -> dict[str, str]:
    roles = {r.value for r in Role}
    return {line.split(": ")[0]: line.split(": ")[1] for line in output.splitlines()
            if line.split(": ")[0] in roles}


def test_load_prints_a_key_per_role_and_if_empty_skips(
    db: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOP_DATABASE_URL", db_url)
    # `small` stands for a tiny plant here so the test stays fast.
    monkeypatch.setitem(SIZES, "small", TINY)
    runner = CliRunner()
    # --port as `make run PORT=8001` passes it: the printed curl must name the port the server will use.
    port = free_port()  # only printed, never bound; a free one all the same
    first = runner.invoke(cli, ["demo", "load", "--size", "small", "--today", "2025-06-11", "--port", str(port)])
    assert first.exit_code == 0, first.output
    assert f"curl -s http://127.0.0.1:{port}/graphql" in first.output
    assert "loaded the small demo plant" in first.output
    keys = _keys(first.output)
    assert set(keys) == {r.value for r in Role}
    assert "curl" in first.output and keys["viewer"] in first.output.split("curl", 1)[1]
    with Session(db) as session:
        for role, key in keys.items():
            principal = authenticate_sync(session, key)
            assert principal is not None and principal.role.value == role
            assert (len(principal.customer_ids) > 0) == (role == "partner")

    refused = runner.invoke(cli, ["demo", "load", "--size", "small"])
    assert refused.exit_code != 0 and "already holds" in refused.output

    skipped = runner.invoke(cli, ["demo", "load", "--size", "small", "--if-empty"])
    assert skipped.exit_code == 0, skipped.output
    assert "skipped" in skipped.output
    assert _keys(skipped.output) == {}, "keys are minted with the plant only (tests/integration/cli/test_demo_load.py)"
