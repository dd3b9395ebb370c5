"""Primary and secondary rate limits, shaped like GitHub's so clients can test their waits.

Primary: a per-token request budget with the x-ratelimit-* headers; at zero GitHub answers
403 with `x-ratelimit-remaining: 0` and the reset time. Secondary: GitHub refuses
content-creating requests (PUT/DELETE/POST/PATCH here) beyond 80 in a minute or 500 in an
hour per token with 403 and `retry-after`. Both windows slide: the emulator keeps each
token's write times and counts those within the last 60 s and the last 3,600 s.
Over the minute count, the token is blocked for `retry_after` seconds and its minute count
starts afresh (so a small retry_after is honest for tests); over the hourly count, it is
blocked until its oldest write in the hour leaves the window, which `retry-after` names.
Refused writes are not counted. Time comes from the emulator's clock (see `clock`), so a
simulated clock runs hours of writes in moments.
See docs.github.com "Rate limits for the REST API".
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from .clock import EmulatorClock
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
HOUR_SECONDS = 3600.0
REFILL_SECONDS = 3600.0
# GitHub's documented secondary limits on content-creating requests, per token.
WRITES_PER_MINUTE = 80
WRITES_PER_HOUR = 500


@dataclass(frozen=True)
class Admission:
    """The rate-limit headers of an answer and, when over a limit, the refusal."""

    headers: dict[str, str]
    refusal: HttpError | None = None


class RateLimits:
    """Budgets per token; all methods are safe from any thread."""

    def __init__(self, lock: threading.RLock, clock: EmulatorClock) -> None:
        """Start with GitHub's usual 5000 an hour and no secondary limit."""
        self._lock = lock
        self._wall = clock.wall
        self._now = clock.now
        self._limit = DEFAULT_LIMIT
        self._start_remaining = DEFAULT_LIMIT
        self._reset_at = clock.wall() + REFILL_SECONDS
        self._used: dict[str, int] = {}
        self._writes_per_minute: int | None = None
        self._writes_per_hour: int | None = None
        self._retry_after = 60
        # Per token: write times in the last minute (cleared by a minute block) and hour.
        self._minute: dict[str, deque[float]] = {}
        self._hour: dict[str, deque[float]] = {}
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

    def set_secondary(
        self,
        writes_per_minute: int | None = WRITES_PER_MINUTE,
        retry_after: int = 60,
        writes_per_hour: int | None = WRITES_PER_HOUR,
    ) -> None:
        """Refuse writes beyond `writes_per_minute` in 60 s or `writes_per_hour` in 3600 s.

        `writes_per_minute` None turns the secondary limit off altogether; `writes_per_hour`
        None leaves out the hourly window. Counting starts afresh.
        """
        if (
            (writes_per_minute is not None and writes_per_minute < 1)
            or (writes_per_hour is not None and writes_per_hour < 1)
            or retry_after < 0
        ):
            raise ValueError(
                "need writes_per_minute and writes_per_hour >= 1 (or None) and retry_after >= 0"
            )
        with self._lock:
            self._writes_per_minute = writes_per_minute
            self._writes_per_hour = writes_per_hour if writes_per_minute is not None else None
            self._retry_after = retry_after
            self._minute.clear()
            self._hour.clear()
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
        now = self._now()
        blocked_until = self._blocked_until.get(key, 0.0)
        if now < blocked_until:
            return max(1, math.ceil(blocked_until - now))
        minute = _recent(self._minute.setdefault(key, deque()), now - WINDOW_SECONDS)
        hour = _recent(self._hour.setdefault(key, deque()), now - HOUR_SECONDS)
        if self._writes_per_hour is not None and len(hour) >= self._writes_per_hour:
            # Room comes back when the oldest write that fills the hour leaves it.
            wait = max(1, math.ceil(hour[-self._writes_per_hour] + HOUR_SECONDS - now))
            self._blocked_until[key] = now + wait
            return wait
        if len(minute) >= self._writes_per_minute:
            self._blocked_until[key] = now + self._retry_after
            minute.clear()
            return self._retry_after
        minute.append(now)
        hour.append(now)
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


def _recent(times: deque[float], since: float) -> deque[float]:
    """`times` (oldest first) without those at or before `since`; the same deque, trimmed."""
    while times and times[0] <= since:
        times.popleft()
    return times
