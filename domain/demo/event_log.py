"""The demo's order history (order_events rows) held as columns: no dict per event, COPY text a column at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from itertools import repeat

import numpy as np

from domain.copy_text import EPOCH, MICROSECOND, NULL, escaped
from domain.demo.columns import Columnar
from domain.demo.plant import Row
from domain.events import kinds

COLUMNS = ("order_id", "order_code", "customer_id", "kind", "at", "actor", "message", "from_status", "to_status",
           "before", "after", "id")
ACTORS = {"ACCEPTED": "system:review", "PROPOSED": "system:review", "REJECTED": "system:review",
          "SCHEDULED": "planner:weekly-plan", "IN_PRODUCTION": "mes:shop-floor", "IN_STOCK": "mes:shop-floor",
          "SHIPPED": "partner:erp", "CANCELLED": "partner:erp", "DELIVERED": "partner:erp", "CLOSED": "partner:erp"}
# The live use case's event for a step (domain/orders/proposals.py, changes.py, shipments.py); the plan's and
# the floor's steps are STATUS.
EVENT_KIND = {("PROPOSED", "ACCEPTED"): kinds.PROPOSAL_ACCEPTED, ("PROPOSED", "CANCELLED"): kinds.PROPOSAL_DECLINED,
              ("ACCEPTED", "CANCELLED"): kinds.CANCELLED, ("SCHEDULED", "CANCELLED"): kinds.CANCELLED,
              ("IN_STOCK", "SHIPPED"): kinds.SHIPPED, ("SHIPPED", "DELIVERED"): kinds.DELIVERED,
              ("DELIVERED", "CLOSED"): kinds.CLOSED}
# One shared object per status for the events' before/after: half a million rows, a dozen distinct values.
STATUS_JSON = {status: {"status": status} for status in ("RECEIVED", *ACTORS)}


@cache
def step(previous: str | None, status: str) -> tuple[str, str]:
    """The event kind and actor of the step from `previous` (None: the order was received) to `status`."""
    if previous is None:
        return kinds.CREATED, "partner:erp"
    if previous == "RECEIVED":
        return kinds.STATUS, ACTORS[status]
    return EVENT_KIND.get((previous, status), kinds.STATUS), ACTORS[status]


@cache
def _step_texts(previous: str | None, status: str) -> tuple[str, str, str]:
    """COPY text of a step's kind, its actor, and its from_status, to_status, before and after together."""
    kind, actor = step(previous, status)
    before = NULL if previous is None else f'{{"status": "{previous}"}}'
    return kind, actor, "\t".join((previous or NULL, status, before, f'{{"status": "{status}"}}'))


class EventLog(Columnar):
    """The order_events rows in generation order (ids 1, 2, 3...), appended order by order."""

    columns = COLUMNS

    def __init__(self) -> None:
        self._order_id: list[int] = []
        self._code: list[str] = []
        self._customer_id: list[int] = []
        self._prefix: list[str] = []  # "order_id\torder_code\tcustomer_id", shared by an order's events
        self._at: list[int] = []  # microseconds since the epoch (UTC)
        self._message: list[str | None] = []
        self._from: list[str | None] = []
        self._to: list[str] = []

    def add_order(self, order_id: int, code: str, customer_id: int, steps: Sequence[tuple[datetime, str]],
                  messages: Sequence[str | None]) -> None:
        """An order's steps (when, status entered) from its receipt on, with a message for the first ones."""
        n = len(steps)
        at, to = zip(*steps, strict=True)
        self._order_id.extend(repeat(order_id, n))
        self._code.extend(repeat(code, n))
        self._customer_id.extend(repeat(customer_id, n))
        self._prefix.extend(repeat(f"{order_id}\t{code}\t{customer_id}", n))
        self._at.extend([(when - EPOCH) // MICROSECOND for when in at])
        self._message.extend(messages[:n])
        if n > len(messages):
            self._message.extend(repeat(None, n - len(messages)))
        self._from.append(None)
        self._from.extend(to[:-1])
        self._to.extend(to)

    def add_step(self, order_id: int, code: str, customer_id: int, at: datetime, previous: str, status: str,
                 message: str | None) -> None:
        """One more step of an order whose earlier steps are already in the log."""
        self._order_id.append(order_id)
        self._code.append(code)
        self._customer_id.append(customer_id)
        self._prefix.append(f"{order_id}\t{code}\t{customer_id}")
        self._at.append((at - EPOCH) // MICROSECOND)
        self._message.append(message)
        self._from.append(previous)
        self._to.append(status)

    def __len__(self) -> int:
        return len(self._to)

    def _row(self, i: int) -> Row:
        previous, status = self._from[i], self._to[i]
        kind, actor = step(previous, status)
        return {"order_id": self._order_id[i], "order_code": self._code[i], "customer_id": self._customer_id[i],
                "kind": kind, "at": EPOCH + timedelta(microseconds=self._at[i]), "actor": actor,
                "message": self._message[i], "from_status": previous, "to_status": status,
                "before": STATUS_JSON[previous] if previous else None, "after": STATUS_JSON[status], "id": i + 1}

    def copy_text(self, start: int, stop: int) -> str:
        steps = list(map(_step_texts, self._from[start:stop], self._to[start:stop]))
        kind, actor, statuses = zip(*steps, strict=True)
        at = np.datetime_as_string(np.array(self._at[start:stop], dtype="datetime64[us]")).tolist()
        ids = list(map(str, range(start + 1, stop + 1)))
        rows = zip(self._prefix[start:stop], kind, at, actor, escaped(self._message[start:stop]), statuses, ids,
                   strict=True)
        return "\n".join(map("\t".join, rows)) + "\n"
