"""Rate limits at the key check: a token bucket per API key, and one per client address for failed sign-ins.

The buckets live in each API process, and each process takes 1/SOP_API_PROCESSES of the configured limit, so
all processes together never admit more than it. Not shared through PostgreSQL: that would be a write per
request on the key's row (the very cost last_used_at avoids), serialising a busy key's requests on one row
lock. The price: a client whose requests all reach one process (one keep-alive connection) gets that
process's share only, a stricter limit than configured, never a looser one. On SQLite there is one process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from domain.config import RateLimit, Settings

MOST_BUCKETS = 10_000  # per kind; past it, full buckets (the same as no bucket) are dropped


class RateLimited(Exception):
    """Too many requests: HTTP 429, code RATE_LIMITED, and Retry-After seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    at: float


class Buckets:
    """Token buckets by name (a key id, an address) under one limit, in this process."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic, most: int = MOST_BUCKETS):
        self.limit, self.clock, self.most = limit, clock, most
        self._buckets: dict[Hashable, _Bucket] = {}

    def _refilled(self, bucket: _Bucket, now: float) -> _Bucket:
        bucket.tokens = min(self.limit.burst, bucket.tokens + (now - bucket.at) * self.limit.per_second)
        bucket.at = now
        return bucket

    def take(self, name: Hashable) -> float:
        """0 when a token was taken; else the seconds until there will be one (and nothing is taken)."""
        now = self.clock()
        bucket = self._buckets.get(name)
        if bucket is None:
            self._forget_full(now)
            bucket = self._buckets[name] = _Bucket(self.limit.burst, now)
        self._refilled(bucket, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.limit.per_second

    def _forget_full(self, now: float) -> None:
        """Many names (addresses of a scan): drop the full buckets, which hold nothing a new one would not, then
        the least recently used down to half, so a sweep comes once per most/2 new names, not for each."""
        if len(self._buckets) < self.most:
            return
        kept = {name: b for name, b in self._buckets.items() if self._refilled(b, now).tokens < self.limit.burst}
        if len(kept) > self.most // 2:
            # Forgotten early, an address starts again with a full bucket: one burst more, not an unbounded dict.
            kept = dict(sorted(kept.items(), key=lambda item: item[1].at)[-(self.most // 2):])
        self._buckets = kept

    def __len__(self) -> int:
        return len(self._buckets)


def _retry_after(wait: float) -> int:
    return max(1, math.ceil(wait))


class RateLimits:
    """The two limits of one app, each this process's share (settings.api_processes)."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        share = settings.api_processes
        per_key, failed = settings.rate_limit_per_key, settings.failed_sign_in_limit
        self.per_key = Buckets(per_key.shared_by(share), clock) if per_key else None
        self.failed_sign_ins = Buckets(failed.shared_by(share), clock) if failed else None

    def admit(self, identity: str) -> None:
        """Take a token of the caller's bucket (an API key or a token's subject), or raise RateLimited."""
        if self.per_key is None:
            return
        wait = self.per_key.take(identity)
        if wait:
            raise RateLimited(f"Too many requests with this API key (limit {self.per_key.limit.text} over all API "
                              "processes): retry after the seconds in the Retry-After header.", _retry_after(wait))

    def failed_sign_in(self, address: str) -> None:
        """Count a wrong, unknown, revoked or expired key from `address`; raise RateLimited past the limit."""
        if self.failed_sign_ins is None:
            return
        wait = self.failed_sign_ins.take(address)
        if wait:
            raise RateLimited(f"Too many failed sign-ins from {address} (limit {self.failed_sign_ins.limit.text}): "
                              "retry after the seconds in the Retry-After header, with a valid key.",
                              _retry_after(wait))
