"""A rival order placed from another session between an order's decision and its write (the recompute-once tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import OrderStatus
from domain.orders.inputs import OrderInput
from domain.orders.results import ReviewResult
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER


def rival_after_first_decision(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, sessions: Callable[[], AsyncSession], book: RuleBook,
    rival: OrderInput, today: date, note: Callable[[ReviewResult, tuple[Any, ...]], Any] | None = None,
) -> list[Any]:
    """Patch module.review_result so that right after the first decision `rival` is created (and accepted) in a
    session of its own; returns the list each decision is noted in (its decision's value, or what `note` takes from
    the result and the call's arguments)."""
    real = module.review_result
    noted: list[Any] = []

    async def competing(session: AsyncSession, *args: Any, **kwargs: Any) -> ReviewResult:
        result = await real(session, *args, **kwargs)
        noted.append(result.decision.value if note is None else note(result, args))
        if len(noted) == 1:  # the first decision is made: the rival takes what it counted on now
            async with sessions() as other:
                created = await create_order(other, PLANNER, book, rival, today)
            assert created.order.status is OrderStatus.ACCEPTED
        return result

    monkeypatch.setattr(module, "review_result", competing)
    return noted
