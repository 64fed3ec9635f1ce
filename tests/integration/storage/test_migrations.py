"""Migrations build the schema from empty, tear it down, and agree with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from domain.models import Base
from tests.dbutil import alembic_config, backends, fresh_database, sync_engine


@pytest.mark.parametrize("backend", backends())
def test_upgrade_downgrade_upgrade_and_models_agree(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        engine = sync_engine(url)
        try:
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            command.upgrade(config, "head")
            assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"compare_type": True, "render_as_batch": backend == "sqlite"}
                )
                diff = compare_metadata(context, Base.metadata)
            assert diff == [], f"models and migrations disagree on {backend}: {diff}"
        finally:
            engine.dispose()


def test_a_url_with_an_encoded_character_reaches_alembic_unchanged() -> None:
    # Tried: a password p%40ss (p@ss URL-encoded): alembic's config read % as an interpolation.
    url = "postgresql://sop:p%40ss@db.example:5432/sop"
    assert alembic_config(url).get_main_option("sqlalchemy.url") == url
