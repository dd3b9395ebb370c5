"""Primary and secondary rate limits, shaped like GitHub's so clients can test their waits.

Primary: a per-token request budget with the x-ratelimit-* headers; at zero GitHub answers
403 with `x-ratelimit-remaining: 0` and the reset time. Secondary: too many content-creating
requests (PUT/DELETE here) in a minute give 403 with `retry-after`; the block lasts that long,
then counting starts afresh (so a small retry_after is honest for tests).
See docs.github.com "Rate limits for the REST API".
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .messages import HttpError

RATE_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
)
SECONDARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
PRIMARY_MESSAGE = "API rate limit exceeded for user ID 1."
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID {id}."
)
DEFAULT_LIMIT = 5000
WINDOW_SECONDS = 60.0
REFILL_SECONDS = 3600.0


@dataclass(frozen=True)
class Admission:
    """The rate-limit headers of an answer and, when over a limit, the refusal."""

    headers: dict[str, str]
    refusal: HttpError | None = None


class RateLimits:
    """Budgets per token; all methods are safe from any thread."""

    def __init__(
        self,
        lock: threading.RLock,
        *,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start with GitHub's usual 5000 an hour and no secondary limit."""
        self._lock = lock
        self._wall = wall
        self._monotonic = monotonic
        self._limit = DEFAULT_LIMIT
        self._start_remaining = DEFAULT_LIMIT
        self._reset_at = wall() + REFILL_SECONDS
        self._used: dict[str, int] = {}
        self._writes_per_minute: int | None = None
        self._retry_after = 60
        self._writes: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def set_primary(
        self, remaining: int, limit: int = DEFAULT_LIMIT, reset_in: float = 60.0
    ) -> None:
        """Give every token `remaining` requests until `reset_in` seconds from now."""
        if not 0 <= remaining <= limit or reset_in < 0:
            raise ValueError("need 0 <= remaining <= limit and reset_in >= 0")
        with self._lock:
            self._limit = limit
            self._start_remaining = remaining
            self._reset_at = self._wall() + reset_in
            self._used.clear()

    def set_secondary(self, writes_per_minute: int | None = 80, retry_after: int = 60) -> None:
        """Refuse writes beyond `writes_per_minute` for `retry_after` seconds; None turns it off."""
        if (writes_per_minute is not None and writes_per_minute < 1) or retry_after < 0:
            raise ValueError("need writes_per_minute >= 1 (or None) and retry_after >= 0")
        with self._lock:
            self._writes_per_minute = writes_per_minute
            self._retry_after = retry_after
            self._writes.clear()
            self._blocked_until.clear()

    def peek(self, key: str) -> dict[str, str]:
        """The headers for an answer that does not count (errors before authentication)."""
        with self._lock:
            self._refill_if_due()
            return self._headers(self._start_remaining - self._used.get(key, 0))

    def admit(self, key: str, *, write: bool) -> Admission:
        """Count one request against the token's budgets, or refuse it."""
        with self._lock:
            self._refill_if_due()
            remaining = self._start_remaining - self._used.get(key, 0)
            if remaining <= 0:
                refusal = HttpError(403, PRIMARY_MESSAGE, documentation_url=RATE_DOCS)
                return Admission(self._headers(0), refusal)
            wait = self._secondary_wait(key) if write else None
            if wait is not None:
                refusal = HttpError(
                    403,
                    SECONDARY_MESSAGE,
                    headers={"retry-after": str(wait)},
                    documentation_url=SECONDARY_DOCS,
                )
                return Admission(self._headers(remaining), refusal)
            self._used[key] = self._used.get(key, 0) + 1
            return Admission(self._headers(remaining - 1))

    def _refill_if_due(self) -> None:
        now = self._wall()
        if now >= self._reset_at:
            self._start_remaining = self._limit
            self._reset_at = now + REFILL_SECONDS
            self._used.clear()

    def _secondary_wait(self, key: str) -> int | None:
        """Seconds the caller must wait, or None after recording an allowed write."""
        if self._writes_per_minute is None:
            return None
        now = self._monotonic()
        blocked_until = self._blocked_until.get(key, 0.0)
        if now < blocked_until:
            return max(1, math.ceil(blocked_until - now))
        window = self._writes.setdefault(key, deque())
        while window and window[0] <= now - WINDOW_SECONDS:
            window.popleft()
        if len(window) >= self._writes_per_minute:
            self._blocked_until[key] = now + self._retry_after
            window.clear()
            return self._retry_after
        window.append(now)
        return None

    def _headers(self, remaining: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self._limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-used": str(self._limit - remaining),
            # Rounded up: a client that sleeps until this second finds the budget refilled.
            "x-ratelimit-reset": str(math.ceil(self._reset_at)),
            "x-ratelimit-resource": "core",
        }
