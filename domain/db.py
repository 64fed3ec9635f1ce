"""Database engines and sessions: one URL, a sync engine (CLI, migrations) and an async one (API)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from domain.pool_check import watch_idle_connections


def _normalise(url: str | URL, *, async_: bool) -> URL:
    """Pick the driver: plain sqlite:/// and postgresql:// URLs are accepted."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite" if async_ else "sqlite+pysqlite")
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    raise ValueError(f"SOP_DATABASE_URL: unsupported database {backend!r} (use sqlite or postgresql)")


class DatabaseUnusable(Exception):
    """The configured database cannot be used as it is: a bad URL, unreachable, or not migrated to the head."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def masked(url: str | URL) -> str:
    """The URL to print: the password hidden, also in text that does not parse as a URL."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(url))


def checked_url(url: str | URL) -> URL:
    """The parsed URL of a supported database, or DatabaseUnusable naming the problem and the masked URL."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() in ("sqlite", "postgresql"):
            # The dialect reads the URL's parts without connecting: sqlite://user:pw@host/x is refused here.
            create_engine(_normalise(parsed, async_=False), poolclass=NullPool).dispose()
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise DatabaseUnusable(f"SOP_DATABASE_URL {masked(url)!r} is not a database URL "
                               "(use sqlite:///path or postgresql://user@host/db)") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnusable(f"SOP_DATABASE_URL {masked(parsed)}: unsupported database "
                               f"{parsed.get_backend_name()!r} (use sqlite or postgresql)")
    path = _sqlite_path(parsed)
    if path is not None and path.is_dir():
        raise DatabaseUnusable(f"database {masked(parsed)}: {path} is a folder, not a database file")
    return parsed


def require_migrated(url: str | URL) -> None:
    """Refuse (DatabaseUnusable) a database that is unreachable, not a database, or not at the newest migration.

    Creates nothing: a SQLite file that does not exist is reported, not made (only `sop db upgrade` makes it)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from domain.migrate import alembic_config

    parsed = checked_url(url)
    shown = masked(parsed)
    path = _sqlite_path(parsed)
    if parsed.get_backend_name() == "sqlite" and (path is None or not path.exists()):
        raise DatabaseUnusable(f"database {shown} is not migrated: run `sop db upgrade`")
    # No pragmas (they write), no pool, and a bounded wait for a server that does not answer.
    connect_args = {"connect_timeout": 10} if parsed.get_backend_name() == "postgresql" else {}
    engine = create_engine(_normalise(parsed, async_=False), poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except DBAPIError as error:
        raise DatabaseUnusable(f"cannot use database {shown}: {one_line(error.orig)}") from None
    finally:
        engine.dispose()
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    heads = set(script.get_heads())
    if not current:
        raise DatabaseUnusable(f"database {shown} is not migrated: run `sop db upgrade`")
    known = {revision.revision for revision in script.walk_revisions()}
    if current - known:
        raise DatabaseUnusable(f"database {shown} is at migration {', '.join(sorted(current))}, which this code "
                               "does not know (migrated by a newer version?)")
    if current != heads:
        raise DatabaseUnusable(f"database {shown} is at migration {', '.join(sorted(current))}, this code needs "
                               f"{', '.join(sorted(heads))}: run `sop db upgrade`")


def one_line(error: BaseException | None) -> str:
    """A driver's message on one line (psycopg's spans several)."""
    return " ".join(str(error).split())


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _scratch_pragmas(dbapi_connection: object, _record: object) -> None:
    """A throwaway database (the simulation's): no fsync per commit, a larger page cache, temp tables in memory.
    Losing it in a crash is fine; on the medium plant the fsyncs alone were about 5 ms of each of ~60k commits."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.execute("PRAGMA cache_size=-65536")  # KiB: the medium plant's database is about 100 MB
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _listen_sqlite(engine: Engine, scratch: bool) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)
    if scratch:
        event.listen(engine, "connect", _scratch_pragmas)


def _ensure_sqlite_folder(url: URL) -> None:
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def is_postgres(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@dataclass(frozen=True)
class Timeouts:
    """PostgreSQL's bounds on one statement and on one wait for a row lock, set on every connection of an engine."""

    statement_ms: int
    lock_ms: int


def _postgres_options(real: URL, timeouts: Timeouts | None, kwargs: dict[str, Any]) -> None:
    """Pre-ping and timeouts for a PostgreSQL engine (SQLite has neither a server to lose nor these settings)."""
    if real.get_backend_name() != "postgresql":
        return
    # A connection the server closed (restart, idle kill) is found at checkout and replaced, not handed to a request.
    kwargs.setdefault("pool_pre_ping", True)
    if timeouts is not None:
        connect_args: dict[str, Any] = dict(kwargs.get("connect_args") or {})  # type: ignore[call-overload]
        options = f"-c statement_timeout={timeouts.statement_ms} -c lock_timeout={timeouts.lock_ms}"
        connect_args["options"] = f"{connect_args['options']} {options}" if "options" in connect_args else options
        kwargs["connect_args"] = connect_args


def sync_engine(url: str | URL, timeouts: Timeouts | None = None, *, scratch: bool = False, **kwargs: Any) -> Engine:
    """scratch: a throwaway SQLite file (the simulation's), written without fsync; no effect on PostgreSQL."""
    real = _normalise(url, async_=False)
    _ensure_sqlite_folder(real)
    _postgres_options(real, timeouts, kwargs)
    engine = create_engine(real, **kwargs)
    if real.get_backend_name() == "sqlite":
        _listen_sqlite(engine, scratch)
    return engine


def migrated_engine(url: str | URL, **kwargs: Any) -> Engine:
    """A sync engine on a database at the newest migration, else DatabaseUnusable (and nothing created)."""
    require_migrated(url)
    return sync_engine(url, **kwargs)


def async_engine(url: str | URL, timeouts: Timeouts | None = None, *, scratch: bool = False,
                 **kwargs: Any) -> AsyncEngine:
    """scratch: a throwaway SQLite file used by one coroutine at a time (the simulation's): no fsync, and each
    call runs on the event loop's thread instead of aiosqlite's worker (domain/inline_sqlite.py)."""
    real = _normalise(url, async_=True)
    _ensure_sqlite_folder(real)
    # A dead idle connection is found at checkout by its socket (domain/pool_check.py), not by a pre-ping round trip;
    # pool_pre_ping given by the caller keeps SQLAlchemy's own.
    watch = real.get_backend_name() == "postgresql" and "pool_pre_ping" not in kwargs
    if real.get_backend_name() == "postgresql":
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_pre_ping", not watch)
    _postgres_options(real, timeouts, kwargs)
    path = _sqlite_path(real)
    if scratch and path is not None:
        from domain.inline_sqlite import inline_creator

        kwargs.setdefault("async_creator", inline_creator(str(path)))
    engine = create_async_engine(real, **kwargs)
    if real.get_backend_name() == "sqlite":
        _listen_sqlite(engine.sync_engine, scratch)
    if watch:
        watch_idle_connections(engine)
    return engine


def async_sessions(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(dialect_name: str, table: Any) -> Any:
    """An INSERT with ON CONFLICT support for the dialect in use (SQLite and PostgreSQL share the API)."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
