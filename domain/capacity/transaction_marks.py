"""Marks a Session keeps in `info` for one transaction: dropped on its rollback, forgotten after its commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_marks: dict[str, str] = {}  # key -> refusal message: each key's listeners registered once


def transaction_mark(key: str, refusal: str, *, held: Callable[[Any], bool] = bool) -> None:
    """Keep `session.info[key]` for one transaction only, and refuse a commit that would lose what it holds.

    held: whether the mark's value is work a commit would lose (RuntimeError(refusal) is raised then); by default a
    non-empty value, so a transaction that asked to hold but held nothing commits as usual.
    Listeners go on the sync Session class, so they see every Session and every AsyncSession's sync_session.
    """
    if key in _marks:
        if _marks[key] != refusal:
            raise ValueError(f"transaction mark {key!r} is registered already, with another refusal")
        return  # a module imported again must not add a second set of listeners
    _marks[key] = refusal

    def drop(session: Session, previous: SessionTransaction) -> None:
        if not previous.nested:  # a savepoint rolled back leaves the transaction's mark to its commit
            session.info.pop(key, None)

    def forget(session: Session) -> None:
        session.info.pop(key, None)  # a mark is for one transaction: the next one holds only if it asks

    def refuse(session: Session) -> None:
        # Raised before the COMMIT (before_commit), so held work is never silently lost.
        if key in session.info and held(session.info[key]):
            raise RuntimeError(refusal)

    event.listen(Session, "after_soft_rollback", drop)
    event.listen(Session, "after_commit", forget)
    event.listen(Session, "before_commit", refuse)
