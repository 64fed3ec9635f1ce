"""A change that keeps losing the race for the same hours ends as BUSY (send it again), not INVALID."""

import asyncio
from typing import Any

import pytest

from domain.capacity.ledger import CapacityTaken
from domain.errors import Busy
from domain.orders.retry import ATTEMPTS, with_retries


class Session:
    def __init__(self) -> None:
        self.rollbacks = 0

    async def rollback(self) -> None:
        self.rollbacks += 1


def test_six_lost_races_say_busy_and_roll_back_each_time() -> None:
    session, tries = Session(), []

    async def attempt() -> None:
        tries.append(1)
        raise CapacityTaken

    with pytest.raises(Busy) as refused:
        asyncio.run(with_retries(session, attempt))  # type: ignore[arg-type]
    assert refused.value.code == "BUSY" and "send the same request again" in refused.value.message
    assert len(tries) == ATTEMPTS and session.rollbacks == ATTEMPTS


def test_a_race_lost_once_is_won_on_the_next_attempt() -> None:
    session, tries = Session(), []

    async def attempt() -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise CapacityTaken
        return "promised"

    assert asyncio.run(with_retries(session, attempt)) == "promised"  # type: ignore[arg-type]
    assert session.rollbacks == 1


def test_a_lock_timeout_on_the_last_attempt_is_busy_too() -> None:
    # Only lost hours became BUSY; a deadlock or "database is locked" on the sixth attempt was INTERNAL.
    from sqlalchemy.exc import OperationalError

    session = Session()

    async def attempt() -> None:
        raise OperationalError("UPDATE capacity_ledger", {}, Exception("database is locked"))

    with pytest.raises(Busy):
        asyncio.run(with_retries(session, attempt))  # type: ignore[arg-type]
    assert session.rollbacks == ATTEMPTS
