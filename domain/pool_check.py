"""Find a pooled PostgreSQL connection the server closed while it sat idle, without a round trip at checkout.

SQLAlchemy's pre-ping sends a statement and waits for its answer on every checkout: one round trip and about
0.5 ms of Python per API request. A server that ends a connection (a restart, pg_terminate_backend, an idle
timeout) sends its FATAL message and closes the socket, so the idle connection's socket turns readable: an idle
connection with anything to read, or none to read from, is given up and the pool connects afresh
(DisconnectionError at checkout, SQLAlchemy's documented way). A link that died with no word from the server is
not seen here; its first statement fails and the request is answered UNAVAILABLE (domain/outage.py).
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine


def watch_idle_connections(engine: AsyncEngine) -> None:
    """Check each connection as the pool hands it out (psycopg, async engine)."""
    event.listen(engine.sync_engine.pool, "checkout", _check)


def _check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if not server_closed(driver):
        return
    raise DisconnectionError("the server closed this pooled connection while it was idle")


def server_closed(driver: Any) -> bool:
    """True when the connection is closed, or its socket has something to read while no statement runs."""
    if driver.closed or driver.broken:
        return True
    try:
        fd = driver.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError, psycopg.Error):  # no socket left to look at
        return True
    return bool(readable)
