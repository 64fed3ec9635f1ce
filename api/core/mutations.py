"""The one way a mutation runs a domain use case: own session, DomainError -> payload UserErrors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.errors import UserError, user_error
from domain.access import Principal
from domain.errors import DomainError
from rules import FactRejected

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None
    errors: list[UserError] = field(default_factory=list)


async def run_use_case(
    info: strawberry.Info[Context, None], use_case: Callable[[AsyncSession, Principal], Awaitable[T]]
) -> Outcome[T]:
    """Call `use_case(session, principal)` in the request's session (the use case commits, then publishes).

    The session the sign-in read the key with goes on with the use case: one connection per request,
    and no ROLLBACK, checkout and BEGIN between the two. Afterwards the session forgets its objects,
    so later fields of the request read what was written, as from a fresh session.
    A DomainError, or a fact the rules engine could not read (FactRejected), becomes `Outcome(None, [UserError])`
    and is counted in /metrics by its code;
    any other exception propagates (after a rollback) and is masked as INTERNAL by api/core/errors.py.
    """
    ctx = info.context
    async with ctx.db() as session:
        ctx.use_case_open = True
        try:
            value = await use_case(session, ctx.user)
        except (DomainError, FactRejected) as exc:
            await session.rollback()
            error = user_error(exc)
            if ctx.metrics is not None:
                ctx.metrics.record_error(error.code.value)
            return Outcome(None, [error])
        except BaseException:
            await session.rollback()  # the next mutation of the document starts clean
            raise
        finally:
            session.expunge_all()
            # Committed or rolled back: what the request reads next may end with COMMIT (Context.close).
            ctx.use_case_open = session.in_transaction()
    ctx.reset_loaders()  # later fields of this request read what the use case wrote
    return Outcome(value)
