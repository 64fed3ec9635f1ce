"""Loads a plant into PostgreSQL while it is still being generated: COPY in a thread, the server on another core."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Table
from tqdm import tqdm

from domain.demo.generate import generate_plant
from domain.demo.plant import DemoPlant, Row
from domain.demo.postgres_load import (
    copy_rows,
    foreign_keys_checked_at_end,
    indexes_built_at_end,
    move_sequences,
    prepare_session,
)
from domain.demo.sizes import DemoSize
from domain.models import Base

# How long the generating thread may hold the GIL while the COPY thread waits for it. Python's 5 ms default
# starved the COPY thread, which gives the GIL up at every socket write: the first 10k orders took 3.7 s to
# send and the progress bar stood still for 5 s; at 1 ms they take 0.3 s (the whole load takes as long).
SWITCH_INTERVAL_S = 0.001


@contextmanager
def _switch_interval(seconds: float) -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@dataclass
class _Copier:
    """Sends the rows of a table that generation has declared final, from a thread of its own."""

    conn: Connection
    bar: tqdm  # type: ignore[type-arg]
    sent: dict[str, int] = field(default_factory=dict)
    # A table's rows and the range of them to send (the sequence may grow meanwhile; the range does not change).
    work: queue.Queue[tuple[Table, Sequence[Row], int, int] | None] = field(default_factory=queue.Queue)
    error: BaseException | None = None

    def run(self) -> None:
        while (item := self.work.get()) is not None:
            if self.error is None:
                try:
                    table, rows, start, stop = item
                    copy_rows(self.conn, table, rows, self.bar, start, stop)
                except BaseException as error:  # handed to the generating thread by finish()
                    self.error = error

    def ready(self, plant: DemoPlant, tables: list[str]) -> None:
        """Queue the rows of `tables` added since the last call; generation never changes them again."""
        for name in tables:
            rows = plant.rows.get(name, [])
            start = self.sent.get(name, 0)
            if len(rows) > start:
                self.sent[name] = len(rows)
                self.work.put((Base.metadata.tables[name], rows, start, len(rows)))


def generate_and_copy(conn: Connection, size: DemoSize, seed: int, today: date,
                      progress: bool) -> tuple[DemoPlant, float]:
    """The generated plant, loaded; and the seconds generation took (the load overlaps it).

    Python generates on one core while PostgreSQL takes in the finished rows on the other.
    """
    tables = [table.name for table in Base.metadata.sorted_tables]
    prepare_session(conn)
    with foreign_keys_checked_at_end(conn, tables), indexes_built_at_end(conn, tables), \
            _switch_interval(SWITCH_INTERVAL_S), \
            tqdm(total=size.expected_rows, unit="rows", desc="demo plant", disable=None if progress else True) as bar:
        copier = _Copier(conn, bar)
        worker = threading.Thread(target=copier.run, name="demo-copy", daemon=True)
        worker.start()
        try:
            started = time.perf_counter()
            plant = generate_plant(size, seed, today, ready=lambda p, names: copier.ready(p, names))
            generated = time.perf_counter() - started
            bar.total = plant.total_rows  # the exact count, now that it is known
            bar.refresh()
            copier.ready(plant, tables)  # whatever generation did not declare final along the way
        finally:
            copier.work.put(None)
            worker.join()
        if copier.error is not None:
            raise copier.error
        bar.set_postfix_str("building indexes, checking foreign keys")
    move_sequences(conn, [Base.metadata.tables[name] for name in tables if name in plant.rows])
    return plant, generated
