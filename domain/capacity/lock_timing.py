"""How long a transaction holds capacity-ledger rows (first ledger UPDATE to COMMIT), timed only when switched on.

Off by default: `mark` is one attribute test. `SOP_LEDGER_LOCK_LOG=<prefix>` (read by domain/config.py) switches it
on in an API process: every committed transaction that took or gave back promised hours (ledger.reserve_all,
also with release= for updateOrder and cancelOrder; ledger.release_order: progress, hold expiry) appends its hold
time in milliseconds, one number a line, to `<prefix>.<pid>` (one file per process, so `sop serve --workers N` needs
no coordination). A rolled-back transaction is not counted.

That clock is the client's. When the ledger UPDATE goes with the COMMIT in one pipeline (domain/capacity/commit.py),
it spans one round trip and the wait for this process's event loop to read the answer, though the server released
the rows at its COMMIT: an upper bound. For those transactions the server's own figure goes to
`<prefix>-server.<pid>`: `clock_timestamp()` when the first ledger row is updated (kept in a transaction-local
setting, so waiting for that row is not counted) to after the COMMIT, read in the same pipeline; and the part before
the COMMIT (the other rows' UPDATEs, with any wait for rows another transaction holds) to
`<prefix>-server-updates.<pid>`. bench reads them all (`ledger_lock_hold_p99_ms` is the server's where there is one).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TextIO

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

MARK, SERVER = "ledger_locked_at", "ledger_held_on_server_ms"
_sink: TextIO | None = None
_server_sinks: tuple[TextIO, TextIO] | None = None  # whole hold, and the part before the COMMIT


def enable(prefix: Path) -> Path:
    """Start timing in this process; returns the file the hold times go to. Calling it again changes nothing."""
    global _sink, _server_sinks
    path = Path(f"{prefix}.{os.getpid()}")
    if _sink is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sink = path.open("a", buffering=1)  # line-buffered: a reader sees every finished transaction
        server, updates = Path(f"{prefix}-server.{os.getpid()}"), Path(f"{prefix}-server-updates.{os.getpid()}")
        _server_sinks = (server.open("a", buffering=1), updates.open("a", buffering=1))
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _forget)
    return path


def disable() -> None:
    """Stop timing (tests)."""
    global _sink, _server_sinks
    if _sink is not None:
        event.remove(Session, "after_commit", _committed)
        event.remove(Session, "after_rollback", _forget)
        _sink.close()
        _sink = None
    if _server_sinks is not None:
        for sink in _server_sinks:
            sink.close()
        _server_sinks = None


def enabled() -> bool:
    return _sink is not None


def mark(session: AsyncSession) -> None:
    """Call just before a ledger UPDATE: the first call in a transaction starts its clock."""
    if _sink is not None:
        session.sync_session.info.setdefault(MARK, time.perf_counter())


def held_on_server(session: AsyncSession, milliseconds: float, before_commit: float) -> None:
    """The server's figures for this transaction (commit.py), written with the client's at the commit."""
    if _sink is not None:
        session.sync_session.info[SERVER] = (milliseconds, before_commit)


def _committed(session: Session) -> None:
    started, on_server = session.info.pop(MARK, None), session.info.pop(SERVER, None)
    if started is not None and _sink is not None:
        _sink.write(f"{(time.perf_counter() - started) * 1000:.3f}\n")
    if on_server is not None and _server_sinks is not None:
        for sink, figure in zip(_server_sinks, on_server, strict=True):
            sink.write(f"{figure:.3f}\n")


def _forget(session: Session) -> None:
    session.info.pop(MARK, None)
    session.info.pop(SERVER, None)
