"""Writes a transaction keeps for its commit's round trip: rows and changes nothing reads back before the COMMIT.

createOrder, updateOrder and cancelOrder on PostgreSQL ask for it (`hold(session)`, with ledger.hold_writes): their
reservation and production order rows (and an update's review, deliveries and closed alert) then go in commit.py's
one message, before the held ledger UPDATEs and the COMMIT, instead of a round trip each (about 0.6 ms of Python per
statement through SQLAlchemy). A lost race still rolls them back: the message's ledger UPDATE fails, and the
transaction with it. A transaction that did not ask (SQLite, every other use case) executes them at once, as before.
Each row must carry every column the table needs (no Python-side defaults are applied in the message). A held
UPDATE or DELETE (`write`) must be a statement built once with named parameters (one_message.bound keeps its
compiled form by the statement's id), and is sent in the order it was held, after the held INSERTs before it.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Delete, Insert, Update, bindparam, inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.orm.attributes import set_committed_value

from domain.capacity.transaction_marks import transaction_mark

ROWS = "rows_held"  # session.info: [(INSERT, UPDATE or DELETE statement, rows)] for commit.py
transaction_mark(ROWS, "writes are held for the commit: commit with domain.capacity.commit.commit")
Held = Insert | Update | Delete
# (table, the changed columns' keys) -> the UPDATE of those columns by id, built once (one_message.bound's key)
_updates: dict[tuple[str, tuple[str, ...]], Update] = {}


def hold(session: AsyncSession) -> None:
    """This transaction's held INSERTs go with its COMMIT (PostgreSQL only: SQLite sends them at once)."""
    if session.get_bind().dialect.name == "postgresql":
        session.sync_session.info.setdefault(ROWS, [])


def holding(session: AsyncSession) -> bool:
    """Whether this transaction keeps its INSERTs for the commit."""
    return ROWS in session.sync_session.info


async def insert_rows(session: AsyncSession, statement: Insert, rows: list[dict[str, Any]]) -> None:
    """INSERT these rows: kept for the commit when the transaction holds its rows, else executed now."""
    if not rows:
        return
    await _held_or_now(session, statement, rows)


async def write(session: AsyncSession, statement: Update | Delete, params: dict[str, Any]) -> None:
    """Run this UPDATE or DELETE (built once, named parameters): kept for the commit when the transaction holds its
    writes, else executed now. Nothing in the transaction may read what it changes before the commit."""
    await _held_or_now(session, statement, [params])


async def write_changes(session: AsyncSession, instance: Any) -> None:
    """The instance's unflushed column changes as one UPDATE by its id, through write() (held for the commit, or run
    now), and the instance left as a flush would leave it: no ORM UPDATE of its own at the commit's flush. Nothing
    is done (left to the flush) when a changed attribute is not a plain column or the table sets a column on update."""
    state = inspect(instance)
    table = state.mapper.local_table
    if any(c.onupdate is not None or c.server_onupdate is not None for c in table.columns):
        return
    changed: dict[str, Any] = {}
    for attribute in state.attrs:
        if attribute.history.has_changes():
            prop = state.mapper.get_property(attribute.key)
            if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
                return
            changed[prop.columns[0].key] = attribute.value
    if not changed or state.key is None:
        return
    key = (table.name, tuple(sorted(changed)))
    if key not in _updates:
        _updates[key] = (update(table).where(table.c.id == bindparam("of_row"))  # type: ignore[attr-defined]
                         .values({name: bindparam(f"new_{name}") for name in key[1]}))
    await write(session, _updates[key], {"of_row": state.identity[0],
                                          **{f"new_{name}": value for name, value in changed.items()}})
    for attribute in state.attrs:
        if attribute.history.has_changes():
            set_committed_value(instance, attribute.key, attribute.value)


async def _held_or_now(session: AsyncSession, statement: Held, rows: list[dict[str, Any]]) -> None:
    held = cast(list[tuple[Held, list[dict[str, Any]]]] | None, session.sync_session.info.get(ROWS))
    if held is None:
        await (await session.connection()).execute(statement, rows)
    else:
        held.append((statement, rows))


def take(session: AsyncSession) -> list[tuple[Held, list[dict[str, Any]]]]:
    """The held writes in the order they were made, no longer held."""
    return cast(list[tuple[Held, list[dict[str, Any]]]], session.sync_session.info.pop(ROWS, None) or [])


async def send(session: AsyncSession) -> None:
    """Execute the held writes now (the transaction is about to read what they write); later ones are held again."""
    held = take(session)
    if not held:
        return
    session.sync_session.info[ROWS] = []
    connection = await session.connection()
    for statement, rows in held:
        await connection.execute(statement, rows)
