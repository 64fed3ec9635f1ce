"""Bench part: what the bench database's PostgreSQL backends were doing during a run, sampled from pg_stat_activity.

A thread reads pg_stat_activity every `interval` seconds on its own connection and counts the backends of the
bench database by state and wait event ("active", "active Lock:transactionid", "idle in transaction
Client:ClientRead", ...). The summary is the mean number of backends in each, so "1.8 backends waiting on a row
lock" or "0.1 active" says whether requests queue on locks or on the servers' CPU. Its own backend is left out;
its CPU (a few statements a second) falls on the load generator and PostgreSQL parts of the CPU budget.
"""

from __future__ import annotations

import threading
from collections import Counter
from types import TracebackType

import psycopg

QUERY = """SELECT state, wait_event_type, wait_event FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"""


class WaitSampler:
    """`with WaitSampler(url) as sampler: ...` then `sampler.mean()`."""

    def __init__(self, url: str, interval: float = 0.1) -> None:
        self.url, self.interval = url, interval
        self.counts: Counter[str] = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-waits", daemon=True)

    def __enter__(self) -> WaitSampler:
        self._connection = psycopg.connect(self.url, autocommit=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self._connection.close()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            rows = self._connection.execute(QUERY).fetchall()
            self.samples += 1
            for state, wait_type, wait in rows:
                self.counts[" ".join(filter(None, (state, f"{wait_type}:{wait}" if wait_type else None)))] += 1

    def mean(self) -> dict[str, float]:
        """Mean number of backends in each state and wait over the samples, largest first."""
        return {name: round(n / max(self.samples, 1), 2) for name, n in self.counts.most_common()}
