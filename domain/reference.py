"""Master data cached in the process (customers, products and routes, bills, line calendars), trusted only
inside a transaction that read the database's master-data version and found the cache at it.

The version is a counter row moved by triggers on every cached table (migration 0021, domain/models/
master_version.py), so whoever writes master data moves it: mutations, `sop import`, demo loads, psql, other
processes. The API reads it in the sign-in statement (domain/access.py), so checking costs no round trip.
A transaction that read it (`observe`) may use and fill the cache while the cache is at that version (`trusted`)
and until it writes anything (its own master-data changes are not committed yet: a masterdata mutation or an import
must read what it wrote, and must not leave it in the cache before it commits). A newer version empties the cache
first. Entries are loaded after the version was read, so an entry is never older than the version it is kept under.
A transaction that did not read the version (CLI, tests calling use cases directly, a request whose key use was
just recorded) reads everything from the database, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

# session.info: (version read in the session's current transaction, token); connection.info: the token, until the
# connection runs a statement that is not a SELECT.
VERSION_READ = "sop.master_data_version"


@dataclass
class ReferenceCache:
    """One database's master data as this process last read it, at `version` (None: nothing cached yet)."""

    version: int | None = None
    customers: dict[str, Any] = field(default_factory=dict)  # code -> Customer (detached, read only)
    products: dict[str, Any] = field(default_factory=dict)  # sku -> Product (detached, read only)
    customer_ids: dict[int, Any] = field(default_factory=dict)  # id -> the same Customer (a saved order names ids)
    product_ids: dict[int, Any] = field(default_factory=dict)  # id -> the same Product
    routes: dict[int, list[tuple[int, float]]] = field(default_factory=dict)  # product id -> (line id, units/hour)
    bills: dict[int, Any] = field(default_factory=dict)  # product id -> its bill, key components and receipts
    calendars: dict[tuple[int, date, date], Any] = field(default_factory=dict)  # (line, start, end) -> LineWeeks
    whole: set[str] = field(default_factory=set)  # the parts read whole ("customers", "bills"): a miss is an answer

    def adopt(self, version: int) -> None:
        """Move to a newer version, forgetting everything read before it (an older one changes nothing)."""
        if self.version is not None and version <= self.version:
            return
        self.version = version
        for entries in (self.customers, self.products, self.customer_ids, self.product_ids, self.routes, self.bills,
                        self.calendars, self.whole):
            entries.clear()


_CACHES: WeakKeyDictionary[Engine, ReferenceCache] = WeakKeyDictionary()


def _engine(session: AsyncSession | Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def cache_of(session: AsyncSession | Session) -> ReferenceCache:
    """The cache of the session's database (one per engine, so per process and database)."""
    engine = _engine(session)
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES[engine] = ReferenceCache()
    return cache


def _connection_info(session: AsyncSession | Session) -> dict[Any, Any]:
    """The info of the transaction's connection (it exists: a statement ran in this transaction)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    return sync.connection().info


def observe(session: AsyncSession | Session, version: int | None) -> None:
    """The version this transaction just read (None: a database without the version row, which caches nothing)."""
    if version is None:
        return
    cache_of(session).adopt(version)
    token = object()
    session.info[VERSION_READ] = (version, token)
    _connection_info(session)[VERSION_READ] = token


def trusted(session: AsyncSession | Session) -> ReferenceCache | None:
    """The cache, if this transaction read the version the cache is at and has written nothing since; else None
    (read from the database).

    Ask again after every await before storing: another request may have moved the cache meanwhile."""
    read = session.info.get(VERSION_READ)
    if read is None:
        return None
    version, token = read
    cache = _CACHES.get(_engine(session))
    if cache is None or cache.version != version or _connection_info(session).get(VERSION_READ) is not token:
        return None
    return cache


@event.listens_for(Engine, "before_cursor_execute")
def _written(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    """Anything but a SELECT (INSERT, UPDATE, DELETE, DDL, SAVEPOINT) ends the trust of the transaction."""
    if VERSION_READ in conn.info and not statement.lstrip()[:6].upper().startswith("SELECT"):
        del conn.info[VERSION_READ]


@event.listens_for(Session, "after_transaction_end")
def _forget_version(session: Session, transaction: SessionTransaction) -> None:
    """The version read holds for the transaction it was read in: a retry after a rollback reads afresh."""
    if transaction.parent is None:
        session.info.pop(VERSION_READ, None)
