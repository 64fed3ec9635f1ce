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
    """The files of the newest revision (what every API process runs), or None before the service first started."""
    latest = revision_in_force(session)
    return dict(latest.files) if latest is not None and latest.files else None


def revision_in_force(session: Session) -> RuleRevision | None:
    """The newest activated revision, or None before the service first started."""
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


def rules_at_start(database_url: str, folder: pathlib.Path) -> RulesInForce:
    """A starting API process runs the revision the others run; the first one stores the folder's as that revision.

    So a folder later left broken (by a refused reload, or an edit half done) never keeps a process from starting:
    before, with no reload yet, a worker restarted while a file was broken failed to build its app, and uvicorn
    started it again and again (bench/faults.py, rules_reload)."""
    engine = sync_engine(database_url)
    try:
        with session_scope(engine) as session:
            latest = session.execute(select(RuleRevision.id, RuleRevision.files)
                                     .order_by(RuleRevision.id.desc()).limit(1)).first()
            if latest is None or not latest.files:
                return _first_revision(session, folder)
    except DBAPIError:
        # Not migrated yet (`sop serve` says so) or unreachable: the folder's rules meanwhile.
        return RulesInForce(LiveRules(folder))
    finally:
        engine.dispose()
    try:
        return RulesInForce(LiveRules(folder, dict(latest.files)), revision_id=latest.id)
    except RulesError as error:
        log.warning("the stored rules revision does not load (%s); starting from the rules folder", error)
    return RulesInForce(LiveRules(folder))


def _first_revision(session: Session, folder: pathlib.Path) -> RulesInForce:
    """The folder's rules, stored as the first revision (two processes starting at once store the same twice)."""
    live = LiveRules(folder)
    revision = RuleRevision(version=live.current.version, files=dict(live.current.texts), activated_by="sop serve",
                            note="the rules folder at the service's first start")
    session.add(revision)
    session.flush()
    return RulesInForce(live, revision_id=revision.id)


class RulesInForce:
    """Wraps the process's LiveRules and adopts a revision another process activated.

    The API reads the newest revision id in the same statement as the caller's key and calls
    `adopt` (no extra round trip); `refresh` is the stand-alone check for other callers (one query
    at most every `check_every` seconds).
    """

    def __init__(self, live: LiveRules, check_every: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 revision_id: int | None = None) -> None:
        self.live = live
        self.check_every = check_every
        self._clock = clock
        self._checked_at = float("-inf")
        self._revision_id = revision_id  # the stored revision `live` runs, when known: adopting it costs nothing

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
