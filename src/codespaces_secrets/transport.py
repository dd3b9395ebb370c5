"""The one place HTTP happens: a session, timeouts, retries, write pacing, error mapping.

Retries follow GitHub's documented rules rather than urllib3's ``Retry``, which knows
``Retry-After`` but not ``x-ratelimit-reset`` nor GitHub's secondary limits on 403:
https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from . import __version__
from .config import RetryPolicy
from .errors import ApiError, KeyRejectedError, RetriesExhaustedError
from .remedies import remedy_for

# (connect, read) seconds for every request: a stalled connection must not hang a job.
DEFAULT_TIMEOUT = (10.0, 30.0)
API_VERSION = "2022-11-28"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
BACKOFF_BASE = 1.0  # seconds before the first retry of a 5xx or a dropped connection
BACKOFF_CAP = 30.0
SECONDARY_LIMIT_MIN_WAIT = 60.0  # GitHub: "wait for at least one minute" when it gives no hint

Log = Callable[[str], None]


@dataclass
class WritePacer:
    """Spaces out content-creating requests as GitHub asks.

    The first ``burst`` writes go back to back; later ones start at least ``interval``
    seconds apart, so a run stays below GitHub's 80 content-creating requests a minute.
    """

    burst: int = 20
    interval: float = 1.0
    writes: int = 0
    last: float = field(default=float("-inf"))

    def wait_before_write(self, now: float) -> float:
        """Seconds to wait before the next write (and count it)."""
        self.writes += 1
        if self.writes <= self.burst:
            return 0.0
        return max(0.0, self.last + self.interval - now)

    def written(self, now: float) -> None:
        """Record when a write was sent."""
        self.last = now


@dataclass(frozen=True)
class Clock:
    """Time sources, replaceable so tests and benchmarks need not really wait."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


class Transport:
    """A GitHub REST session that retries transient faults within a bounded budget."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        retry: RetryPolicy,
        log: Log,
        debug: Log,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        clock: Clock | None = None,
        pacer: WritePacer | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.retry = retry
        self.log = log
        self.debug = debug
        self.timeout = timeout
        self.clock = clock or Clock()
        self.pacer = pacer or WritePacer()
        self.waited = 0.0
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "Authorization": f"Bearer {token}",
                "User-Agent": f"codespaces-secrets/{__version__}",
            }
        )

    def close(self) -> None:
        """Release the connection pool."""
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        expect: tuple[int, ...] = (200,),
        not_found: str = "",
    ) -> requests.Response:
        """Send one request, retrying transient faults; raise ``ApiError`` on any other answer."""
        url = path if path.startswith(self.api_url) else f"{self.api_url}{path}"
        for attempt in range(1, self.retry.max_attempts + 1):
            if method in WRITE_METHODS:
                self._pace()
            started = self.clock.monotonic()
            try:
                response = self.session.request(
                    method, url, json=json, params=params, timeout=self.timeout
                )
            except requests.exceptions.SSLError as exc:
                # A certificate problem does not go away by retrying; say what fixes it.
                raise ApiError(
                    f"Could not {operation}: the TLS certificate of {self.api_url} could not "
                    "be verified.",
                    remedy="For GitHub Enterprise Server with a private CA, set "
                    "REQUESTS_CA_BUNDLE to the CA's PEM file. Verification is never turned off.",
                ) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                fault = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
                self._wait_or_give_up(None, fault, attempt, method, path, operation)
                continue
            except requests.RequestException as exc:
                raise ApiError(
                    f"Could not {operation}: the request could not be made ({type(exc).__name__}).",
                    remedy="Check that api-url is the REST API root, e.g. https://api.github.com.",
                ) from exc
            except OSError as exc:
                # requests reports an unreadable REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE this way.
                raise ApiError(
                    f"Could not {operation}: the CA certificate bundle cannot be read.",
                    remedy="REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names a file that does not "
                    "exist; point it at the CA's PEM file or unset it.",
                ) from exc
            finally:
                if method in WRITE_METHODS:
                    self.pacer.written(self.clock.monotonic())
            elapsed = self.clock.monotonic() - started
            self.debug(f"{method} {path} -> {response.status_code} in {elapsed:.3f}s")
            if response.status_code in expect:
                return response
            if not _is_transient(response):
                raise _api_error(response, operation, not_found)
            self._wait_or_give_up(
                response, f"HTTP {response.status_code}", attempt, method, path, operation
            )
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def paginate(
        self, path: str, key: str, *, operation: str, not_found: str = ""
    ) -> Iterator[dict[str, Any]]:
        """Yield the items of a paged list, following GitHub's ``Link: rel="next"``.

        ``key`` names the list inside the JSON object; empty when the body is the list.
        """
        url: str | None = path
        params: dict[str, str | int] | None = {"per_page": 100}
        while url is not None:
            response = self.request(
                "GET", url, operation=operation, params=params, not_found=not_found
            )
            body = response.json()
            yield from (body[key] if key else body)
            following = response.links.get("next", {}).get("url")
            # The next link repeats the query; never follow one that leaves the API root,
            # since the session would send the token there.
            url = following if following and following.startswith(self.api_url) else None
            params = None

    def _pace(self) -> None:
        wait = self.pacer.wait_before_write(self.clock.monotonic())
        if wait > 0:
            self.clock.sleep(wait)

    def _wait_or_give_up(
        self,
        response: requests.Response | None,
        fault: str,
        attempt: int,
        method: str,
        path: str,
        operation: str,
    ) -> None:
        wait = self._wait_for(response, attempt)
        budget = self.retry.max_total_wait - self.waited
        if attempt >= self.retry.max_attempts or wait > budget:
            limited = response is not None and _is_rate_limited(response)
            who = "GitHub asked to" if limited else "the next retry would"
            why = (
                f"gave up after {attempt} attempt(s)"
                if attempt >= self.retry.max_attempts
                else f"{who} wait {wait:.0f}s, beyond the {budget:.0f}s of retry time left"
            )
            status = response.status_code if response is not None else None
            github_message = _github_message(response) if response is not None else ""
            raise RetriesExhaustedError(
                f"Could not {operation}: {fault} ({why}).",
                remedy="GitHub is unavailable or rate-limiting this token. Re-run the job "
                "later; raise retry-wait-limit to wait longer.",
                status=status,
                github_message=github_message,
            )
        self.log(
            f"{method} {path}: {fault}; retrying in {wait:.1f}s "
            f"(attempt {attempt + 1} of {self.retry.max_attempts})."
        )
        self.waited += wait
        self.clock.sleep(wait)

    def _wait_for(self, response: requests.Response | None, attempt: int) -> float:
        """Seconds to wait before the next attempt, by GitHub's documented order of rules."""
        backoff = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** (attempt - 1))
        jittered = backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security
        if response is None:
            return jittered
        headers = response.headers
        retry_after = headers.get("retry-after", "")
        if retry_after.isdecimal():
            return float(retry_after)
        if (
            headers.get("x-ratelimit-remaining") == "0"
            and headers.get("x-ratelimit-reset", "").isdecimal()
        ):
            return max(1.0, float(headers["x-ratelimit-reset"]) - self.clock.wall() + 1.0)
        if _is_rate_limited(response):
            return max(SECONDARY_LIMIT_MIN_WAIT, SECONDARY_LIMIT_MIN_WAIT * 2.0 ** (attempt - 1))
        return jittered


def _is_rate_limited(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    headers = response.headers
    return (
        "retry-after" in headers
        or headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in _github_message(response).lower()
    )


def _is_transient(response: requests.Response) -> bool:
    return response.status_code >= 500 or _is_rate_limited(response)


def _github_message(response: requests.Response) -> str:
    """GitHub's own ``message`` field, short; never the raw body."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    message = str(body.get("message", ""))
    details = [
        str(error.get("message") or error.get("code") or "")
        for error in body.get("errors", [])
        if isinstance(error, dict)
    ]
    text = "; ".join(part for part in [message, *details] if part)
    return text[:500]


def _api_error(response: requests.Response, operation: str, not_found: str) -> ApiError:
    github_message = _github_message(response)
    status = response.status_code
    cls = KeyRejectedError if status == 422 and "key_id" in github_message else ApiError
    quoted = f' GitHub says: "{github_message.rstrip(".")}".' if github_message else ""
    return cls(
        f"Could not {operation}: HTTP {status}.{quoted}",
        remedy=remedy_for(status, response.headers, github_message, not_found),
        status=status,
        github_message=github_message,
        request_id=response.headers.get("x-github-request-id", ""),
    )
