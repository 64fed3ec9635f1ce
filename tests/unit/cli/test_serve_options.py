"""`sop serve` refuses a bad port, no workers and several workers on SQLite before serving; passes the health check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import cli, worker_sockets
from tests.ports import free_port


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """`sop serve` must not get as far as serving (it listened on a random port when told 99999)."""
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize(("args", "message"), [
    (["--port=65536"], "Invalid value for '--port': 65536 is not in the range 1<=x<=65535."),
    (["--port", "0"], "Invalid value for '--port': 0 is not in the range 1<=x<=65535."),
    (["--workers", "0"], "Invalid value for '--workers': 0 is not in the range x>=1."),
    (["--workers", "2"], "Invalid value for --workers: 2 workers need PostgreSQL; sqlite:///"),
])
def test_serve_refuses_bad_ports_and_workers(args: list[str], message: str, tmp_path: Path,
                                             uvicorn_calls: list[Any]) -> None:
    """Inputs tried: --port 99999 and 0, --workers 0, --workers 2 on SQLite (the help says PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'none' / 'sop.db'}"
    result = CliRunner().invoke(cli, ["serve", *args], env={"SOP_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert message in result.stderr and uvicorn_calls == []
    assert not (tmp_path / "none").exists()


@pytest.mark.parametrize(("preset", "expected"), [(None, "3"), ("8", "8")])
def test_serve_tells_its_workers_how_many_share_the_rate_limits(
    preset: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--workers 3 on PostgreSQL: each worker takes a third of the limits, unless the operator said how many
    processes there are on all hosts (SOP_API_PROCESSES=8)."""
    import importlib
    import os

    import uvicorn

    serve_module = importlib.import_module("cli.serve")  # the package exports the command by that name

    environ = {k: v for k, v in os.environ.items() if k != "SOP_API_PROCESSES"}
    if preset is not None:
        environ["SOP_API_PROCESSES"] = preset
    monkeypatch.setattr(os, "environ", environ)
    monkeypatch.setattr(serve_module, "require_migrated", lambda url: None)
    monkeypatch.setattr(serve_module, "_refuse_busy", lambda host, port: None)
    seen: list[str | None] = []
    def record(*args: Any, **kwargs: Any) -> None:
        seen.append(os.environ.get("SOP_API_PROCESSES"))

    monkeypatch.setattr(uvicorn, "run", record)
    monkeypatch.setattr(worker_sockets, "serve_workers", record)
    result = CliRunner().invoke(cli, ["serve", "--workers", "3"], env={"SOP_DATABASE_URL": "postgresql://u@h/db"})
    assert result.exit_code == 0, result.output
    assert seen == [expected]


@pytest.mark.parametrize(("flag", "runs"), [([], "own sockets"), (["--shared-socket"], "uvicorn.run")])
def test_several_workers_listen_on_a_socket_each_unless_told_to_share_one(
    flag: list[str], runs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--workers 2 on PostgreSQL, with and without --shared-socket (a SO_REUSEPORT socket per worker on Linux)."""
    import importlib

    import uvicorn

    serve_module = importlib.import_module("cli.serve")
    monkeypatch.setattr(serve_module, "require_migrated", lambda url: None)
    monkeypatch.setattr(serve_module, "_refuse_busy", lambda host, port: None)
    seen: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.append(("uvicorn.run", kwargs["workers"])))
    monkeypatch.setattr(worker_sockets, "serve_workers", lambda config: seen.append(("own sockets", config.workers)))
    result = CliRunner().invoke(cli, ["serve", "--workers", "2", *flag],
                                env={"SOP_DATABASE_URL": "postgresql://u@h/db"})
    assert result.exit_code == 0, result.output
    assert seen == [(runs if worker_sockets.kernel_balances() else "uvicorn.run", 2)]


def test_serve_gives_uvicorn_the_configured_worker_health_check(tmp_path: Path, uvicorn_calls: list[Any]) -> None:
    """Inputs tried: SOP_WORKER_HEALTHCHECK_SECONDS unset (30) and 45."""
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    assert CliRunner().invoke(cli, ["db", "upgrade"], env={"SOP_DATABASE_URL": url}).exit_code == 0
    for env, seconds in (({}, 30), ({"SOP_WORKER_HEALTHCHECK_SECONDS": "45"}, 45)):
        port = free_port()
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)], env={"SOP_DATABASE_URL": url, **env})
        assert result.exit_code == 0, result.output
        assert uvicorn_calls[-1]["timeout_worker_healthcheck"] == seconds
