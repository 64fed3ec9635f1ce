"""A transaction mark (domain/capacity/transaction_marks.py) lives for one transaction, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.capacity.transaction_marks import transaction_mark

MARK = "test_mark_held"  # keys of this test only: no use case sets them
ANY = "test_mark_any_value"
REFUSAL = "test writes are held for the commit"
transaction_mark(MARK, REFUSAL)
transaction_mark(ANY, "test release deferred", held=lambda _value: True)


def _begin(session: Session) -> None:
    session.begin()
    session.execute(select(1))  # a real transaction on the server, so the savepoints below are real too


def test_a_rollback_drops_the_mark(session: Session) -> None:
    _begin(session)
    session.info[MARK] = ["held"]
    session.rollback()
    assert MARK not in session.info


def test_a_savepoint_rolled_back_keeps_the_mark_for_the_transaction(session: Session) -> None:
    _begin(session)
    session.info[MARK] = ["held"]
    savepoint = session.begin_nested()
    savepoint.rollback()
    assert session.info[MARK] == ["held"]
    session.rollback()
    assert MARK not in session.info


def test_a_commit_forgets_a_mark_that_holds_nothing(session: Session) -> None:
    """Asked to hold but held nothing (an empty list, PostgreSQL's hold() before any write): the commit goes on."""
    _begin(session)
    session.info[MARK] = []
    session.commit()
    assert MARK not in session.info


def test_a_commit_while_the_mark_holds_work_is_refused(session: Session) -> None:
    _begin(session)
    session.info[MARK] = ["held"]
    with pytest.raises(RuntimeError, match=REFUSAL):
        session.commit()
    assert session.info[MARK] == ["held"]  # refused before anything was lost; the caller rolls back
    session.rollback()
    assert MARK not in session.info
    _begin(session)  # the session is usable again: the next transaction commits
    session.commit()


def test_held_decides_which_values_are_refused(session: Session) -> None:
    """finished_goods.DEFERRED's way: refused whenever set, even to a falsy value."""
    _begin(session)
    session.info[ANY] = None
    with pytest.raises(RuntimeError, match="test release deferred"):
        session.commit()
    session.rollback()
    assert ANY not in session.info


def test_a_key_is_registered_once() -> None:
    transaction_mark(MARK, REFUSAL)  # again, as a module imported twice would: no second set of listeners
    with pytest.raises(ValueError, match="registered already"):
        transaction_mark(MARK, "another refusal")


async def test_an_async_session_is_marked_through_its_sync_session(asession: AsyncSession) -> None:
    """The use cases' sessions: the listeners on Session see each AsyncSession's sync_session."""
    await asession.execute(select(1))
    asession.sync_session.info[MARK] = ["held"]
    with pytest.raises(RuntimeError, match=REFUSAL):
        await asession.commit()
    await asession.rollback()
    assert MARK not in asession.sync_session.info
    asession.sync_session.info[MARK] = []
    await asession.commit()
    assert MARK not in asession.sync_session.info
