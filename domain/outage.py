"""Which database errors mean "the database cannot answer now, retry later" rather than a bug in a statement."""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# SQLSTATE classes and codes of a server that is going away, full, or out of time for this statement:
# 08 connection exception, 53 insufficient resources (too many connections), 57 operator intervention
# (admin shutdown, cannot connect now, statement_timeout's query_canceled), 55P03 lock_timeout.
_UNAVAILABLE_CLASSES = ("08", "53", "57")
_UNAVAILABLE_STATES = {"55P03"}


def database_unavailable(error: BaseException | None) -> bool:
    """True for a refused, reset or closed connection, a server shutting down, a full pool, and a statement
    or lock wait that ran out of time: the same request may well succeed a moment later.

    Deadlocks and serialization failures are not here: domain/orders/retry.py retries those itself."""
    if isinstance(error, PoolTimeout | InterfaceError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if not isinstance(original, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    state = original.sqlstate
    # No SQLSTATE: the driver's own failure to reach the server (refused, reset, connect timeout).
    return state is None or state.startswith(_UNAVAILABLE_CLASSES) or state in _UNAVAILABLE_STATES
