"""Partner-like clients: create, update and cancel orders over GraphQL with idempotency keys, retrying as told.

Every answer is sorted into an acknowledgement (the change is done), a rejection (a domain error in the
payload: nothing was written) or a retry (HTTP 503, a dropped connection, a 5xx: send the same request,
same key, again after Retry-After). What each client was told is kept in an OrderBook for the audit.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

ORDER = "order { code version status requestedDate }"
ERRORS = "errors { code message currentVersion }"
CREATE = f"mutation($input: OrderInput!) {{ createOrder(input: $input) {{ {ORDER} {ERRORS} }} }}"
UPDATE = f"mutation($input: UpdateOrderInput!) {{ updateOrder(input: $input) {{ {ORDER} {ERRORS} }} }}"
CANCEL = f"mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ {ORDER} {ERRORS} }} }}"
GIVE_UP_SECONDS = 90.0  # a partner system retries a write this long before a person looks at it
HTTP_TIMEOUT = 40.0  # above the service's own request deadline (30 s), so the service answers first


@dataclass
class OrderSeen:
    """One order as its client knows it: the dates it may now have (one when every change was answered)."""

    code: str
    create_key: str
    version: int
    dates: set[str]
    cancel: str = "no"  # "acked" | "maybe" (given up without an answer) | "no"
    update_acks: int = 0


@dataclass
class OrderBook:
    """Everything the clients were told; the audit compares it with the database."""

    orders: dict[str, OrderSeen] = field(default_factory=dict)
    acked_creates: dict[str, str] = field(default_factory=dict)  # idempotency key -> code
    unresolved: int = 0  # writes given up without a definite answer (allowed to be there or not)

    @property
    def acknowledged(self) -> int:
        return len(self.acked_creates) + sum(o.update_acks + (o.cancel == "acked") for o in self.orders.values())


@dataclass
class Tally:
    """Answers of one phase, time-stamped, so a window (during the fault, after recovery) can be judged."""

    answers: list[tuple[float, str, int | str]] = field(default_factory=list)  # (t, outcome, status or code)
    client_errors: Counter[str] = field(default_factory=Counter)
    http_status: Counter[str] = field(default_factory=Counter)
    acknowledged: int = 0

    def note(self, outcome: str, status: str, code: str | None) -> None:
        self.answers.append((time.monotonic(), outcome, code or status))
        self.http_status[status] += 1
        if code:
            self.client_errors[code] += 1
        if outcome == "ack":
            self.acknowledged += 1

    def failures_after(self, moment: float) -> int:
        """Requests that failed on the service's side (not a domain rejection) after `moment`."""
        return sum(1 for at, outcome, _ in self.answers if at > moment and outcome == "retry")


@dataclass(frozen=True)
class Answer:
    outcome: str  # "ack" | "rejected" | "retry"
    order: dict[str, Any] | None = None
    code: str | None = None
    current_version: int | None = None
    retry_after: float = 0.2


def classify(response: httpx.Response, field_name: str) -> Answer:
    """Sort one HTTP answer; a GraphQL error at the top (no payload) is retryable only when UNAVAILABLE/BUSY."""
    retry_after = float(response.headers.get("Retry-After", "0.2") or 0.2)
    try:
        body = response.json()
    except ValueError:
        return Answer("retry", code=f"HTTP_{response.status_code}", retry_after=retry_after)
    top = body.get("errors") or []
    if top:
        code = (top[0].get("extensions") or {}).get("code", "NO_CODE")
        retryable = response.status_code >= 500 or code in ("UNAVAILABLE", "BUSY", "RATE_LIMITED")
        return Answer("retry" if retryable else "rejected", code=code, retry_after=retry_after)
    payload = (body.get("data") or {}).get(field_name) or {}
    errors = payload.get("errors") or []
    if errors:
        code = errors[0]["code"]
        # BUSY: lost a race for the same hours or the same key, nothing written: send it again.
        return Answer("retry" if code == "BUSY" else "rejected", code=code,
                      current_version=errors[0].get("currentVersion"), retry_after=retry_after)
    return Answer("ack", order=payload.get("order"))


@dataclass
class Client:
    """One partner system: its own key, its customers, its orders; one request at a time."""

    url: str
    key: str
    customers: list[str]
    skus: list[str]
    book: OrderBook
    rng: random.Random
    tally: Tally = field(default_factory=Tally)
    mine: list[str] = field(default_factory=list)

    async def send(self, http: httpx.AsyncClient, query: str, variables: dict[str, Any], field_name: str) -> Answer:
        """Send until acknowledged or rejected (same body, same key), or give up after GIVE_UP_SECONDS."""
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while True:
            try:
                response = await http.post(f"{self.url}/graphql", json={"query": query, "variables": variables},
                                           headers={"Authorization": f"Bearer {self.key}"}, timeout=HTTP_TIMEOUT)
                answer = classify(response, field_name)
                status = str(response.status_code)
                if status == "503" and "Retry-After" not in response.headers:
                    status = "503 without Retry-After"
                self.tally.note(answer.outcome, status, answer.code)
            except httpx.HTTPError as error:
                answer = Answer("retry", code=f"TRANSPORT_{type(error).__name__}")
                self.tally.note("retry", "no answer", answer.code)
            if answer.outcome != "retry":
                return answer
            if time.monotonic() > deadline:
                return answer
            await asyncio.sleep(min(answer.retry_after, 2.0))

    def _lines(self) -> list[dict[str, Any]]:
        return [{"sku": sku, "quantity": self.rng.randint(1, 10)} for sku in self.rng.sample(self.skus, 2)]

    def _due(self) -> str:
        return (date.today() + timedelta(days=self.rng.randint(28, 120))).isoformat()

    async def create(self, http: httpx.AsyncClient) -> None:
        key = f"create-{uuid.uuid4().hex}"
        order_input = {"customerCode": self.rng.choice(self.customers), "requestedDate": self._due(),
                       "lines": self._lines(), "idempotencyKey": key}
        answer = await self.send(http, CREATE, {"input": order_input}, "createOrder")
        if answer.outcome == "ack" and answer.order:
            code = answer.order["code"]
            self.book.acked_creates[key] = code
            self.book.orders[code] = OrderSeen(code, key, answer.order["version"], {answer.order["requestedDate"]})
            self.mine.append(code)
        elif answer.outcome == "retry":
            self.book.unresolved += 1

    async def update(self, http: httpx.AsyncClient, seen: OrderSeen) -> None:
        due = self._due()
        change = {"code": seen.code, "expectedVersion": seen.version, "requestedDate": due,
                  "idempotencyKey": f"update-{uuid.uuid4().hex}"}
        answer = await self.send(http, UPDATE, {"input": change}, "updateOrder")
        if answer.outcome == "ack" and answer.order:
            seen.version, seen.dates = answer.order["version"], {answer.order["requestedDate"]}
            seen.update_acks += 1
        elif answer.outcome == "retry":
            seen.dates.add(due)  # may or may not have been written: both are consistent with what we were told
            self.book.unresolved += 1
        elif answer.current_version is not None:
            seen.version = answer.current_version  # the plan moved it on: read its version, as a partner would

    async def cancel(self, http: httpx.AsyncClient, seen: OrderSeen) -> None:
        change = {"code": seen.code, "expectedVersion": seen.version, "reason": "fault bench",
                  "idempotencyKey": f"cancel-{uuid.uuid4().hex}"}
        answer = await self.send(http, CANCEL, {"input": change}, "cancelOrder")
        if answer.outcome == "ack" and answer.order:
            seen.version, seen.cancel = answer.order["version"], "acked"
            self.mine.remove(seen.code)
        elif answer.outcome == "retry":
            seen.cancel = "maybe"
            self.mine.remove(seen.code)
            self.book.unresolved += 1
        elif answer.current_version is not None:
            seen.version = answer.current_version

    async def step(self, http: httpx.AsyncClient) -> None:
        """One write: mostly new orders, then changes and cancellations of this client's own open orders."""
        roll = self.rng.random()
        if len(self.mine) < 3 or roll < 0.5:
            await self.create(http)
        elif roll < 0.85:
            await self.update(http, self.book.orders[self.rng.choice(self.mine)])
        else:
            await self.cancel(http, self.book.orders[self.rng.choice(self.mine)])

    async def run(self, http: httpx.AsyncClient, stop: asyncio.Event, pause: float) -> None:
        while not stop.is_set():
            await self.step(http)
            await asyncio.sleep(self.rng.uniform(0, pause))  # partners push as orders come, not in a tight loop


def merge(tallies: list[Tally]) -> Tally:
    total = Tally()
    for t in tallies:
        total.answers.extend(t.answers)
        total.client_errors.update(t.client_errors)
        total.http_status.update(t.http_status)
        total.acknowledged += t.acknowledged
    total.answers.sort()
    return total
