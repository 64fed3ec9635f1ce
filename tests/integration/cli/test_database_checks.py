"""Every command that needs the schema refuses, in one line, a database it cannot use, and creates nothing.

Before: an unmigrated database ended in `no such table` tracebacks and left an empty SQLite file behind;
a bad SOP_DATABASE_URL gave a traceback in every command; `sop serve` started anyway; passwords were echoed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner, Result

from cli import cli
from domain.db import masked
from domain.migrate import alembic_config, upgrade_database
from tests.dbutil import backends, fresh_database
from tests.ports import free_port

COMMANDS = [
    ["demo", "load", "--size", "small"],
    ["keys", "create", "--role", "viewer"],
    ["plan", "weekly"],
    ["plan", "diff", "1", "2"],
    ["kpis", "--from", "2026-01-01", "--to", "2026-02-01"],
    ["rules", "backtest", "--candidate", str(Path(__file__).resolve().parents[3] / "rules")],
    ["rules", "reload"],
    ["serve"],
]


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """`sop serve` does not really serve in these tests: the calls to uvicorn.run are recorded."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def _sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


def _one_line_refusal(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is not None and isinstance(result.exception, SystemExit), result.exception
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.fixture(params=backends())
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite: a path whose folder does not exist yet; PostgreSQL: an empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'new' / 'sop.db'}"
    else:
        with fresh_database("postgresql", tmp_path) as url:
            yield url


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_commands_before_db_upgrade_say_so_and_create_nothing(
    args: list[str], unmigrated_url: str, tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    """Input tried: each command on a database `sop db upgrade` never ran on."""
    line = _one_line_refusal(_sop(args, unmigrated_url))
    assert line == f"Error: database {masked(unmigrated_url)} is not migrated: run `sop db upgrade`"
    assert not (tmp_path / "new").exists(), "only `sop db upgrade` makes the SQLite file and its folder"
    assert uvicorn_calls == []


@pytest.mark.parametrize("backend", backends())
def test_a_database_behind_the_newest_migration_is_refused(backend: str, tmp_path: Path,
                                                           uvicorn_calls: list[dict[str, Any]]) -> None:
    """Input tried: `sop serve` and `sop kpis` on a database migrated up to the migration before the head."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_revision(script.get_current_head())
    assert isinstance(head.down_revision, str)
    with fresh_database(backend, tmp_path) as url:
        upgrade_database(url, head.down_revision)
        for args in (["serve"], ["kpis", "--from", "2026-01-01", "--to", "2026-02-01"]):
            line = _one_line_refusal(_sop(args, url))
            assert line == (f"Error: database {masked(url)} is at migration {head.down_revision}, this code needs "
                            f"{head.revision}: run `sop db upgrade`")
        assert uvicorn_calls == []
        assert _sop(["db", "upgrade"], url).exit_code == 0
        port = free_port()  # `sop serve` refuses a port in use: a fixed 8123 failed when something held it
        assert _sop(["serve", "--port", str(port)], url).exit_code == 0
        assert [call["port"] for call in uvicorn_calls] == [port]


def _not_a_database(tmp_path: Path) -> str:
    text = tmp_path / "passwd"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n" * 100)
    return f"sqlite:///{text}"


BAD_URLS = {
    "garbage": (lambda _: "garbage", "SOP_DATABASE_URL 'garbage' is not a database URL"),
    "empty": (lambda _: "", "SOP_DATABASE_URL '' is not a database URL"),
    "bad port": (lambda _: "postgresql://sop:secret@db:port/sop", "is not a database URL"),
    "sqlite with a host": (lambda tmp: f"sqlite://me:secret@host/{tmp}/sop.db", "is not a database URL"),
    "mysql": (lambda _: "mysql://x:secret@y/z", "SOP_DATABASE_URL mysql://x:***@y/z: unsupported database 'mysql'"),
    "a folder": (lambda tmp: f"sqlite:///{tmp}", "is a folder, not a database file"),
    "not a database": (_not_a_database, ": file is not a database"),
    "unreachable": (lambda _: "postgresql://sop:secret@127.0.0.1:1/sop",
                    "cannot use database postgresql://sop:***@127.0.0.1:1/sop: connection failed"),
}


@pytest.mark.parametrize("bad", BAD_URLS)
@pytest.mark.parametrize("args", [["db", "upgrade"], *COMMANDS], ids=lambda args: " ".join(args[:2]))
def test_bad_database_urls_give_one_line_naming_the_problem(
    bad: str, args: list[str], tmp_path: Path, uvicorn_calls: list[dict[str, Any]]
) -> None:
    """Inputs tried: garbage, "", a port that is not a number, SQLite with user and host, mysql://, a folder, a
    text file, a closed port."""
    make_url, expected = BAD_URLS[bad]
    url = make_url(tmp_path)
    line = _one_line_refusal(_sop(args, url))
    assert expected in line and "secret" not in line
    assert uvicorn_calls == []
    if bad == "not a database":
        assert (tmp_path / "passwd").read_text().startswith("root:x:0:0"), "the file is left as it was"


@pytest.mark.skipif("postgresql" not in backends(), reason="SQLite URLs carry no password")
def test_db_upgrade_masks_the_password(tmp_path: Path) -> None:
    """Input tried: a URL with password 'p%40ss' (URL-encoded '@'); it was echoed in clear, and its % broke alembic."""
    with fresh_database("postgresql", tmp_path) as url:
        with_password = url.replace("@", ":p%40ss@", 1)  # the test server trusts the user: any password does
        result = _sop(["db", "upgrade"], with_password)
        assert result.exit_code == 0, result.output
        assert result.output == f"database at head: {url.replace('@', ':***@', 1)}\n"


def test_serve_refuses_a_port_in_use(db_url: str, uvicorn_calls: list[dict[str, Any]]) -> None:
    """Input tried: `sop serve --port P` while another socket listens on P (make run printed keys, then failed)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line_refusal(_sop(["serve", "--port", str(port)], db_url))
    assert line.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ") and "--port" in line
    assert uvicorn_calls == []
