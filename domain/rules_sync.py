"""The rules in force across processes: a reload is stored as a revision every process picks up."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import RuleRevision
from rules import LiveRules, RuleBook, RulesError


class RulesInForce:
    """Wraps the process's LiveRules and adopts a revision another process activated.

    The API reads the newest revision id in the same statement as the caller's key and calls
    `adopt` (no extra round trip); `refresh` is the stand-alone check for other callers (one query
    at most every `check_every` seconds).
    """

    def __init__(self, live: LiveRules, check_every: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.live = live
        self.check_every = check_every
        self._clock = clock
        self._checked_at = float("-inf")
        self._revision_id: int | None = None

    @property
    def current(self) -> RuleBook:
        return self.live.current

    async def refresh(self, session: AsyncSession) -> RuleBook:
        """Look up the newest revision (at most every `check_every` seconds) and adopt it."""
        now = self._clock()
        if now - self._checked_at < self.check_every:
            return self.live.current
        self._checked_at = now
        latest = await session.scalar(select(func.max(RuleRevision.id)))
        return await self.adopt(session, latest)

    async def adopt(self, session: AsyncSession, revision_id: int | None) -> RuleBook:
        """Load revision `revision_id` unless it is the one in force here (no query when it is)."""
        if revision_id is None or revision_id == self._revision_id:
            return self.live.current
        row = (
            await session.execute(
                select(RuleRevision.version, RuleRevision.files).where(RuleRevision.id == revision_id)
            )
        ).first()
        if row is not None and row.version != self.live.current.version:
            try:
                self.live.reload_from_texts(row.files or {})
            except RulesError:
                # A revision that does not load here keeps the rules this process has; the
                # process that activated it validated it, so this only happens across versions.
                return self.live.current
        self._revision_id = revision_id
        return self.live.current

    def activate(self, actor: str | None) -> tuple[RuleBook, RuleRevision]:
        """Reload from the rules folder (validated beside the live rules); the caller stores the revision.

        Raises RulesError with file:line errors and leaves the live rules untouched when a file is wrong.
        Once the returned revision is committed, every other process adopts it on its next request.
        """
        book = self.live.reload()
        return book, RuleRevision(version=book.version, files=dict(book.texts), activated_by=actor)
