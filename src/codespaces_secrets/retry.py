"""When to try again, and how long to wait: GitHub's documented rules, without HTTP.

Retries follow GitHub's own order of rules rather than urllib3's ``Retry``, which knows
``Retry-After`` but not ``x-ratelimit-reset`` nor GitHub's secondary limits on 403:
https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
Everything here works on plain values (a status, headers, a clock), so the policy is
tested without a server; ``transport`` applies it to real attempts.
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

from .apiroot import is_github_host
from .clock import Clock
from .config import RetryPolicy

BACKOFF_BASE = 1.0  # seconds before the first retry of a 5xx or a dropped connection
BACKOFF_CAP = 30.0
SECONDARY_LIMIT_MIN_WAIT = 60.0  # GitHub: "wait for at least one minute" when it gives no hint


class Fault(NamedTuple):
    """One failed attempt, as the retry rules see it (no body, no secrets)."""

    what: str  # e.g. "HTTP 503", "api.github.com: timed out"
    status: int | None = None
    headers: Mapping[str, str] = MappingProxyType({})
    github_message: str = ""
    kind: str = ""  # without an answer: "name not found", "connection refused", "timed out"...

    @property
    def rate_limited(self) -> bool:
        """GitHub's primary or secondary rate limit (429, or 403 with a limit sign)."""
        if self.status == 429:
            return True
        if self.status != 403:
            return False
        return (
            "retry-after" in self.headers
            or self.headers.get("x-ratelimit-remaining") == "0"
            or "rate limit" in self.github_message.lower()
        )

    @property
    def transient(self) -> bool:
        """Whether trying again can help: no answer at all, a 5xx, or a rate limit."""
        # 5xx only: a made-up status such as 999 is not a server error to wait out.
        return self.status is None or 500 <= self.status <= 599 or self.rate_limited


class Decision(NamedTuple):
    """Wait ``wait`` seconds and try again, or give up for the reason in ``give_up``.

    ``limit`` names what stopped the retries: ``attempts`` (retry attempts), ``wait`` (the
    run's retry-wait-limit) or ``name`` (a custom host whose name never resolved).
    """

    wait: float
    give_up: str = ""
    limit: str = ""


class Retrier:
    """Applies one run's retry policy: bounded attempts, one time budget for the run.

    The budget (``retry-wait-limit``) pays for all time lost to faults: the waits before
    retries and the attempts that failed (a timeout costs its whole deadline). Once it is
    spent, nothing more is retried anywhere in the run; each later request still gets its
    one attempt. ``custom_host``: the API is not GitHub's own host, so a name that never
    resolved in this run is taken as a typo after the first attempt instead of a DNS
    hiccup.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
        *,
        custom_host: bool = False,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.jitter = jitter
        self.custom_host = custom_host
        self.spent = 0.0  # seconds lost to faults: failed attempts and waits
        self.answered = False  # the server has answered at least once in this run
        # Tokens work side by side (``lanes``): time any of them loses is the run's.
        self._lock = threading.Lock()

    @classmethod
    def for_api(cls, policy: RetryPolicy, api_url: str, clock: Clock) -> Retrier:
        """The budget for a run against ``api_url`` (a host not GitHub's is ``custom_host``)."""
        host = urlsplit(api_url).hostname or ""
        return cls(policy, clock, custom_host=not is_github_host(host))

    def charge(self, seconds: float) -> None:
        """Charge the time a failed attempt took to the run's budget."""
        with self._lock:
            self.spent += max(0.0, seconds)

    def decide(self, fault: Fault, attempt: int) -> Decision:
        """What to do after ``attempt`` (1-based) ended with ``fault``."""
        wait = self.wait_for(fault, attempt)
        limit = self.policy.max_total_wait
        budget = limit - self.spent
        if fault.kind == "name not found" and self.custom_host and not self.answered:
            return Decision(wait, "the name never resolved in this run", "name")
        if attempt >= self.policy.max_attempts:
            return Decision(wait, f"gave up after {attempt} attempt(s)", "attempts")
        if budget <= 0:
            return Decision(wait, f"the {limit:g}s retry-wait-limit of the run is spent", "wait")
        if wait > budget:
            who = "GitHub asked to" if fault.rate_limited else "the next retry would"
            return Decision(
                wait, f"{who} wait {_s(wait)}, beyond the {_s(budget)} of retry time left", "wait"
            )
        return Decision(wait)

    def wait(self, seconds: float) -> None:
        """Wait before a retry, charging the run's budget."""
        with self._lock:
            self.spent += seconds
        self.clock.sleep(seconds)

    def wait_for(self, fault: Fault, attempt: int) -> float:
        """Seconds to wait before the next attempt, by GitHub's documented order of rules."""
        backoff = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempt - 1))
        jittered = backoff * (0.5 + self.jitter() / 2)
        headers = fault.headers
        retry_after = headers.get("retry-after", "")
        if retry_after.isdecimal():
            return float(retry_after)
        if (
            headers.get("x-ratelimit-remaining") == "0"
            and headers.get("x-ratelimit-reset", "").isdecimal()
        ):
            return max(1.0, float(headers["x-ratelimit-reset"]) - self.clock.wall() + 1.0)
        if fault.rate_limited:
            return max(SECONDARY_LIMIT_MIN_WAIT, SECONDARY_LIMIT_MIN_WAIT * 2.0 ** (attempt - 1))
        return jittered


def _s(seconds: float) -> str:
    """Seconds for a message: whole above ten, else to a tenth (0.6 s is not "1s")."""
    return f"{seconds:.0f}s" if round(seconds, 1) >= 10 else f"{seconds:.1f}s"


# GitHub's secondary limits on content-creating requests, per user or token:
# https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
WRITE_WINDOWS: tuple[tuple[float, int], ...] = ((60.0, 80), (3600.0, 500))


class WritePacer:
    """Spaces out one token's content-creating requests as GitHub asks.

    The first ``burst`` writes go back to back; later ones start at least ``interval``
    seconds apart (GitHub's best practice for many writes). On top of that, never more
    than 80 writes in any 60 seconds nor 500 in any hour (``windows``): a write waits
    until the oldest write in a full window has left it. Every write counts: PUT, DELETE,
    and repository-list changes alike.
    """

    def __init__(
        self,
        burst: int = 20,
        interval: float = 1.0,
        windows: tuple[tuple[float, int], ...] = WRITE_WINDOWS,
    ) -> None:
        self.burst = burst
        self.interval = interval
        self.windows = windows
        self.sent: deque[float] = deque()  # start times of recent writes

    def wait_before_write(self, now: float) -> float:
        """Seconds to wait before the next write starts (the write is then counted)."""
        start = now
        if len(self.sent) >= self.burst and self.sent:
            start = max(start, self.sent[-1] + self.interval)
        for window, most in self.windows:
            if len(self.sent) >= most:
                # The write `most` places back must have left the window first.
                start = max(start, self.sent[-most] + window)
        self.sent.append(start)
        longest = max((most for _, most in self.windows), default=self.burst)
        while len(self.sent) > max(longest, self.burst):
            self.sent.popleft()
        return start - now


def minimum_write_time(writes: int, pacer: WritePacer | None = None) -> float:
    """The least time ``writes`` writes need under the pacing (requests taking no time)."""
    pacer = pacer or WritePacer()
    now = 0.0
    for _ in range(writes):
        now += pacer.wait_before_write(now)
    return now
