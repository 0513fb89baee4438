"""Request limits per client address and minute, counted in the memory of each app process.

`RateLimiter.count` adds one to the count of (scope, client address) in the current minute;
when the count passes the limit the request is refused until the minute ends
(`Limited.retry_after`). A fixed one-minute window is simple and cheap, at the price of letting
up to twice the limit through around a minute's boundary; refused requests count too, but a
window never outlasts its minute, so hammering does not lengthen the wait.

Why in memory and not in the database: counting in the database would make the limit hold
across every worker and app process, but it costs a write transaction per look-up. Measured on
the benchmark machine (`bench/verify_bench.py`, docs/benchmarks.md) an upsert and commit on
SQLite (WAL, synchronous=FULL) added about 17 ms to every verification page, most of the
20 ms budget. In memory it costs microseconds. The price: with `loket serve --workers N` (or
several app processes) each process counts on its own, so one address may get up to N times the
limit when its requests are spread over the processes. The limit slows down scraping and
guessing; guessing a code (about 123 random bits) is hopeless even at N times the limit.

Memory is bounded: counts of ended minutes are dropped, and at most `MAX_ADDRESSES` addresses
are counted per minute (further addresses are not limited within that minute).

The client address is `auth.client_address` (the connection's peer, or what a proxy listed in
LOKET_TRUSTED_PROXIES forwarded), the same as the login throttle's.
"""

from __future__ import annotations

import datetime as dt
import math
import threading

WINDOW_SECONDS = 60
MAX_ADDRESSES = 100_000


class Limited(Exception):
    """A request over its limit; it may be tried again after `retry_after` seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope}: over the limit, retry after {retry_after} s")
        self.scope = scope
        self.retry_after = retry_after


def minute_of(now: dt.datetime) -> int:
    """The window a moment falls in: whole minutes since 1970-01-01 UTC."""
    return math.floor(now.timestamp() / WINDOW_SECONDS)


class RateLimiter:
    """Counts of requests per (scope, address) in the current minute, in this process."""

    def __init__(self, max_addresses: int = MAX_ADDRESSES) -> None:
        self._lock = threading.Lock()
        self._window = -1
        self._hits: dict[tuple[str, str], int] = {}
        self._max = max_addresses

    def count(self, *, scope: str, address: str, limit: int, now: dt.datetime) -> None:
        """Count one request of `address` to `scope`; raise Limited when over `limit`.

        A `limit` of 0 turns the limit off (nothing is counted).
        """
        if limit <= 0:
            return
        window = minute_of(now)
        key = (scope, address[:64])
        with self._lock:
            if window > self._window:
                self._hits.clear()
                self._window = window
            hits = self._hits.get(key, 0) + 1
            if hits > 1 or len(self._hits) < self._max:
                self._hits[key] = hits
        if hits > limit:
            ends = (max(window, self._window) + 1) * WINDOW_SECONDS
            raise Limited(scope, max(1, math.ceil(ends - now.timestamp())))

    def __len__(self) -> int:
        """How many (scope, address) pairs are counted in the current minute."""
        return len(self._hits)
