"""The rules in force across processes: a reload is stored as a revision every process picks up."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import RuleRevision
from rules import LiveRules, RuleBook, RulesError


class RulesInForce:
    """Wraps the process's LiveRules; `refresh` adopts a revision another process activated.

    The check is one indexed query at most every `check_every` seconds, so a reload reaches every
    API process within that time without a query on each request.
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
        now = self._clock()
        if now - self._checked_at < self.check_every:
            return self.live.current
        self._checked_at = now
        latest = (
            await session.execute(
                select(RuleRevision.id, RuleRevision.version).order_by(RuleRevision.id.desc()).limit(1)
            )
        ).first()
        if latest is None or latest.id == self._revision_id:
            return self.live.current
        if latest.version != self.live.current.version:
            files = await session.scalar(select(RuleRevision.files).where(RuleRevision.id == latest.id))
            try:
                self.live.reload_from_texts(files or {})
            except RulesError:
                # A revision that does not load here keeps the rules this process has; the
                # process that activated it validated it, so this only happens across versions.
                return self.live.current
        self._revision_id = latest.id
        return self.live.current

    def activate(self, actor: str | None) -> tuple[RuleBook, RuleRevision]:
        """Reload from the rules folder (validated beside the live rules); the caller stores the revision.

        Raises RulesError with file:line errors and leaves the live rules untouched when a file is wrong.
        Once the returned revision is committed, every other process adopts it on its next refresh.
        """
        book = self.live.reload()
        return book, RuleRevision(version=book.version, files=dict(book.texts), activated_by=actor)
