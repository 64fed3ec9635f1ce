"""One transaction on the configured database for a command: refused in one line when it is not migrated."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from domain.config import load_settings
from domain.db import migrated_engine, session_scope


@contextmanager
def command_session() -> Iterator[Session]:
    """A session committed at the end (rolled back on an error), on an engine disposed of afterwards."""
    engine = migrated_engine(load_settings().database_url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
