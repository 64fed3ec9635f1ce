"""api/schema.graphql must be the live schema's export: regenerate with `python -m api.export_schema`."""

from __future__ import annotations

from api.export_schema import SCHEMA_FILE, main, schema_sdl


def test_exported_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == schema_sdl(), "api/schema.graphql is stale: run `python -m api.export_schema`"


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "schema.graphql"
    stale.write_text(schema_sdl().replace("type Order implements Node", "type Order"))
    monkeypatch.setattr("api.export_schema.SCHEMA_FILE", stale)
    assert main(["--check"]) == 1
    stale.write_text(schema_sdl())
    assert main(["--check"]) == 0
