"""How long a transaction holds capacity-ledger rows (first ledger UPDATE to COMMIT), timed only when switched on.

Off by default: `mark` is one attribute test. `SOP_LEDGER_LOCK_LOG=<prefix>` (read by domain/config.py) switches it
on in an API process: every committed transaction that took or gave back promised hours (ledger.reserve_all,
also with release= for updateOrder and cancelOrder; ledger.release_order: progress, hold expiry) appends its hold
time in milliseconds, one number a line, to `<prefix>.<pid>` (one file per process, so `sop serve --workers N` needs
no coordination). bench/api.py reads these files for `ledger_lock_hold_p99_ms`. A rolled-back transaction is not
counted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TextIO

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

MARK = "ledger_locked_at"
_sink: TextIO | None = None


def enable(prefix: Path) -> Path:
    """Start timing in this process; returns the file the hold times go to. Calling it again changes nothing."""
    global _sink
    path = Path(f"{prefix}.{os.getpid()}")
    if _sink is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sink = path.open("a", buffering=1)  # line-buffered: a reader sees every finished transaction
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _forget)
    return path


def disable() -> None:
    """Stop timing (tests)."""
    global _sink
    if _sink is not None:
        event.remove(Session, "after_commit", _committed)
        event.remove(Session, "after_rollback", _forget)
        _sink.close()
        _sink = None


def mark(session: AsyncSession) -> None:
    """Call just before a ledger UPDATE: the first call in a transaction starts its clock."""
    if _sink is not None:
        session.sync_session.info.setdefault(MARK, time.perf_counter())


def _committed(session: Session) -> None:
    started = session.info.pop(MARK, None)
    if started is not None and _sink is not None:
        _sink.write(f"{(time.perf_counter() - started) * 1000:.3f}\n")


def _forget(session: Session) -> None:
    session.info.pop(MARK, None)
