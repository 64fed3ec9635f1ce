"""INSERTs a transaction keeps for its commit's round trip: rows nothing reads back before the COMMIT.

A createOrder on PostgreSQL asks for it (`hold(session)`, with ledger.hold_writes): its reservation and production
order rows then go in commit.py's one message, before the held ledger UPDATEs and the COMMIT, instead of a round
trip each (about 0.6 ms of Python per statement through SQLAlchemy). A lost race still rolls them back: the
message's ledger UPDATE fails, and the transaction with it. A transaction that did not ask (SQLite, every other use
case) executes them at once, as before. Each row must carry every column the table needs (no Python-side defaults
are applied in the message).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Insert, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

ROWS = "rows_held"  # session.info: [(INSERT statement, rows)] for commit.py


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
    held = cast(list[tuple[Insert, list[dict[str, Any]]]] | None, session.sync_session.info.get(ROWS))
    if held is None:
        await (await session.connection()).execute(statement, rows)
    else:
        held.append((statement, rows))


def take(session: AsyncSession) -> list[tuple[Insert, list[dict[str, Any]]]]:
    """The held INSERTs in the order they were made, no longer held."""
    return cast(list[tuple[Insert, list[dict[str, Any]]]], session.sync_session.info.pop(ROWS, None) or [])


async def send(session: AsyncSession) -> None:
    """Execute the held INSERTs now (the transaction is about to read what they write); later ones are held again."""
    held = take(session)
    if not held:
        return
    session.sync_session.info[ROWS] = []
    connection = await session.connection()
    for statement, rows in held:
        await connection.execute(statement, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(ROWS, None)


@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    session.info.pop(ROWS, None)


@event.listens_for(Session, "before_commit")
def _refuse(session: Session) -> None:
    if session.info.get(ROWS):
        raise RuntimeError("INSERTs are held for the commit: commit with domain.capacity.commit.commit")
