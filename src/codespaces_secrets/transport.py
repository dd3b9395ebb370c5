"""A GitHub REST session: one attempt at a time (``send``), retried by the rules (``retry``).

Built from an ``Access`` (API root, token, retry policy) by the front door, through a
factory the caller may replace: tests and benchmarks pass a shorter timeout or a clock
that does not really wait. Nothing else in the action sees the token.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

from . import __version__
from .clock import Clock
from .config import Access, Store
from .errors import ApiError, KeyRejectedError, RetriesExhaustedError
from .events import Events
from .remedies import remedy_for
from .retry import Fault, Retrier, WritePacer
from .send import Answer, NoAnswer, send_once

# (connect, read) seconds for every request: a stalled connection must not hang a job.
DEFAULT_TIMEOUT = (10.0, 30.0)
API_VERSION = "2022-11-28"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class Transport:
    """A GitHub REST session that retries transient faults within a bounded budget."""

    def __init__(
        self,
        access: Access,
        *,
        clock: Clock,
        events: Events,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        pacer: WritePacer | None = None,
    ) -> None:
        self.api_url = access.api_url.rstrip("/")
        self.clock = clock
        self.events = events
        self.timeout = timeout
        self.retrier = Retrier(access.retry, clock)
        self.pacer = pacer or WritePacer()
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "Authorization": f"Bearer {access.token}",
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
        store: Store | None = None,
    ) -> Answer:
        """Send one request, retrying transient faults; raise ``ApiError`` on any other answer.

        ``store``: the secret store addressed, so a refusal names that store's permission.
        """
        url = path if path.startswith(self.api_url) else f"{self.api_url}{path}"
        write = method in WRITE_METHODS
        attempt = 0
        while True:
            attempt += 1
            if write:
                self._pace()
            started = self.clock.monotonic()
            try:
                answer = send_once(
                    self.session,
                    method,
                    url,
                    operation=operation,
                    api_url=self.api_url,
                    timeout=self.timeout,
                    json_body=json,
                    params=params,
                )
            except NoAnswer as exc:
                fault = exc.fault
            else:
                elapsed = self.clock.monotonic() - started
                self.events.debug(f"{method} {path} -> {answer.status} in {elapsed:.3f}s")
                if answer.status in expect:
                    return answer
                fault = answer.fault()
                if not fault.transient:
                    raise _api_error(answer, fault, operation, store)
            self._wait_or_give_up(fault, attempt, method, path, operation)

    def paginate(
        self, path: str, key: str, *, operation: str, store: Store | None = None
    ) -> Iterator[dict[str, Any]]:
        """Yield the items of a paged list, following GitHub's ``Link: rel="next"``.

        ``key`` names the list inside the JSON object; empty when the body is the list.
        """
        url: str | None = path
        params: dict[str, str | int] | None = {"per_page": 100}
        while url is not None:
            answer = self.request("GET", url, operation=operation, params=params, store=store)
            body = answer.json()
            yield from (body[key] if key else body)
            following = answer.next_url
            # The next link repeats the query; never follow one that leaves the API root,
            # since the session would send the token there.
            url = following if following and following.startswith(self.api_url) else None
            params = None

    def _pace(self) -> None:
        wait = self.pacer.wait_before_write(self.clock.monotonic())
        if wait > 0:
            self.clock.sleep(wait)

    def _wait_or_give_up(
        self, fault: Fault, attempt: int, method: str, path: str, operation: str
    ) -> None:
        decision = self.retrier.decide(fault, attempt)
        if decision.give_up:
            raise RetriesExhaustedError(
                f"Could not {operation}: {fault.what} ({decision.give_up}).",
                remedy="GitHub is unavailable or rate-limiting this token. Re-run the job "
                "later; raise retry-wait-limit to wait longer.",
                status=fault.status,
            )
        self.events.warning(
            f"{method} {path}: {fault.what}; retrying in {decision.wait:.1f}s "
            f"(attempt {attempt + 1} of {self.retrier.policy.max_attempts})."
        )
        self.retrier.wait(decision.wait)


def _api_error(answer: Answer, fault: Fault, operation: str, store: Store | None) -> ApiError:
    message = fault.github_message
    cls = KeyRejectedError if answer.status == 422 and "key_id" in message else ApiError
    quoted = f' GitHub says: "{message.rstrip(".")}".' if message else ""
    return cls(
        f"Could not {operation}: HTTP {answer.status}.{quoted}",
        remedy=remedy_for(answer.status, answer.headers, message, store or Store.CODESPACES),
        status=answer.status,
    )
