"""The rules in force across processes: a reload is stored as a revision every process picks up."""

from __future__ import annotations

import logging
import pathlib
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.db import session_scope, sync_engine
from domain.models import RuleRevision
from rules import LiveRules, RuleBook, RulesError, load_rulebook, load_rulebook_from_texts

log = logging.getLogger("domain.rules")


def stored_rule_files(session: Session) -> dict[str, str] | None:
    """The files of the newest activated revision (what every API process runs), or None before any reload."""
    latest = revision_in_force(session)
    return dict(latest.files) if latest is not None and latest.files else None


def revision_in_force(session: Session) -> RuleRevision | None:
    """The newest activated revision, or None before the first reload."""
    return session.scalars(select(RuleRevision).order_by(RuleRevision.id.desc()).limit(1)).first()


def rulebook_in_force(session: Session, folder: pathlib.Path) -> RuleBook:
    """The rules the API decides with: the newest activated revision, else the rules folder.

    The folder may hold edits nobody reloaded yet (or a broken file a reload refused): commands
    such as `sop plan weekly` and `sop kpis` must not decide with those."""
    files = stored_rule_files(session)
    if files:
        try:
            return load_rulebook_from_texts(files)
        except RulesError as error:  # a revision of an older release of the rule files
            log.warning("the stored rules revision does not load (%s); using the rules folder", error)
    return load_rulebook(folder)


def live_rules_at_start(database_url: str, folder: pathlib.Path) -> LiveRules:
    """A starting API process runs the revision the others run; the folder only before the first reload.

    A folder left broken by a refused reload then does not keep the service from starting."""
    engine = sync_engine(database_url)
    try:
        with session_scope(engine) as session:
            files = stored_rule_files(session)
    except DBAPIError:
        files = None  # not migrated yet: `sop serve` says so; the folder's rules meanwhile
    finally:
        engine.dispose()
    if files:
        try:
            return LiveRules(folder, files)
        except RulesError as error:
            log.warning("the stored rules revision does not load (%s); starting from the rules folder", error)
    return LiveRules(folder)


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
