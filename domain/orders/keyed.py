"""One order change as a unit of work: claimed under its idempotency key, committed, retried on races."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.capacity.commit import commit
from domain.errors import NotFound
from domain.models import Order
from domain.orders.idempotency import Replay, claim
from domain.orders.results import OrderResult
from domain.orders.retry import with_retries


async def replayed_order(session: AsyncSession, replay: Replay) -> OrderResult:
    order = await session.get(Order, replay.response["order_id"])
    if order is None:
        raise NotFound(f"order {replay.response.get('code')!r} of the first answer no longer exists")
    return OrderResult(order, None, replayed=True)


async def keyed_change(
    session: AsyncSession,
    operation: str,
    principal: Principal,
    key: str | None,
    body: Any,
    change: Callable[[], Awaitable[OrderResult]],
) -> OrderResult:
    """Run change() (it writes, it does not commit) and commit, again from the start when a race is lost.
    Ledger UPDATEs change() held (ledger.hold_writes) go with the COMMIT (domain/capacity/commit.py).

    With a key, a retry with the same key and body gets the first answer back (replayed=True) and
    change() does not run; a new answer is stored with the key in the same commit as the change,
    so a crash leaves neither. change() runs once per attempt: it starts its own lists afresh."""

    async def attempt() -> OrderResult:
        record = None
        if key is not None:
            claimed = await claim(session, operation, principal, key, body)
            if isinstance(claimed, Replay):
                return await replayed_order(session, claimed)
            record = claimed
        result = await change()
        if record is not None:
            order = result.order
            record.response = {"order_id": order.id, "code": order.code, "version": order.version,
                               "status": order.status.value}
        await commit(session)
        return result

    return await with_retries(session, attempt)
