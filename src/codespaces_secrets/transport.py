"""The HTTP transport: one attempt at a time (``attempt``), retried by the rules (``retry``).

Built by the front door for each token, through the ``seam.Connect`` factory (this
class, by default; tests and benchmarks pass shorter limits or a clock that does not
really wait). Nothing else in the action sees the token, so this is also where the token
is kept from going anywhere but the API root: redirects and next-page links are followed
only within it (and redirects only for reads), no ``.netrc`` replaces the token, and text
the server sends is scrubbed of every known secret before it leaves. It reads no
environment: the CA bundle and proxies come in ``Access.network``, read by the adapters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from . import paging, remedies
from .apiroot import host_of, is_loopback, within_api
from .attempt import Limits, NoAnswer, make_attempt, new_session
from .errors import ApiError, KeyRejectedError, RetriesExhaustedError, bad_answer
from .redact import Redactor, inert
from .retry import Retrier, WritePacer

if TYPE_CHECKING:
    from .clock import Clock
    from .config import Access, Store
    from .events import Events
    from .retry import Fault
    from .seam import Answer

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# Failures that show a request never left this machine (no address for the name, or no
# connection: refused, by GitHub or a proxy): an answer after them follows no attempt
# that may have been carried out, so a write's "updated" then is not the run's own.
NEVER_SENT = frozenset({"name not found", "connection refused"})
MAX_REDIRECTS = 5


class HttpTransport:
    """A GitHub REST session for one token that retries transient faults within the budget."""

    def __init__(
        self,
        access: Access,
        *,
        clock: Clock,
        events: Events,
        redactor: Redactor | None = None,
        retrier: Retrier | None = None,
        limits: Limits | None = None,
        pacer: WritePacer | None = None,
    ) -> None:
        """Ready to send; a transport made on its own (a test's) gets its own budget.

        ``redactor`` and ``retrier`` come from the core, shared by the run's tokens.
        """
        self.api_url = access.api_url.rstrip("/")
        self.host = host_of(self.api_url)
        self.clock, self.events = clock, events
        self.retrier = retrier or Retrier.for_api(access.retry, self.api_url, clock)
        self.limits = limits or Limits()
        self.pacer = pacer or WritePacer()
        self.redactor = redactor or Redactor()
        self.redactor.add(access.token)
        network = access.network
        loopback = is_loopback(urlsplit(self.api_url).hostname or "")
        self.proxies = {} if loopback else dict(network.proxies)
        self.verify: bool | str = network.ca_bundle or True
        self.session = new_session(access.token)

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
        """Send one request, retrying transient faults; raise ``ApiError`` on any other answer."""
        url = path if path.startswith(("http://", "https://")) else f"{self.api_url}{path}"
        if not within_api(url, self.api_url):
            raise bad_answer(operation, "it points to a URL outside the API root")
        if json is not None and "encrypted_value" in json:
            # Never echoed back: a server may reflect the request in its error text.
            self.redactor.add(str(json["encrypted_value"]))
        write = method in WRITE_METHODS
        failures = redirects = 0
        lost = False  # an attempt that may have reached GitHub got no usable answer
        while True:
            if write:
                self._pace()
            started = self.clock.monotonic()
            try:
                answer = make_attempt(
                    self.session,
                    method,
                    url,
                    operation=operation,
                    host=self.host,
                    limits=self.limits,
                    proxies=self.proxies,
                    verify=self.verify,
                    json_body=json,
                    params=params,
                )
            except NoAnswer as exc:
                fault = exc.fault
                lost = lost or fault.kind not in NEVER_SENT
            else:
                self.retrier.answered = True
                elapsed = self.clock.monotonic() - started
                self.events.debug(f"{method} {path} -> {answer.status} in {elapsed:.3f}s")
                if answer.status in expect:
                    return answer._replace(retried=lost)
                if 300 <= answer.status <= 399:
                    redirects += 1
                    url, params = self._redirect(answer, write, operation, redirects), None
                    continue
                fault = answer.fault(self.redactor)
                if not fault.transient:
                    raise self._api_error(answer, fault, operation, store)
                lost = lost or answer.status >= 500
            failures += 1
            self.retrier.charge(self.clock.monotonic() - started)
            self._wait_or_give_up(fault, failures, method, path, operation)

    def paginate(
        self,
        path: str,
        key: str,
        *,
        operation: str,
        max_pages: int,
        store: Store | None = None,
    ) -> Iterator[Any]:
        """Every item of a paged list, by GitHub's ``Link: rel="next"`` (see ``paging``)."""

        def get(url: str, params: dict[str, str | int] | None) -> Answer:
            return self.request("GET", url, operation=operation, params=params, store=store)

        return paging.paginate(
            get, self.api_url, path, key, operation=operation, max_pages=max_pages
        )

    def _redirect(self, answer: Answer, write: bool, operation: str, redirects: int) -> str:
        """Where a read may follow a redirect to; a redirected write is an error."""
        location = answer.headers.get("location", "")
        target = urljoin(answer.url, location)
        if write or not location or not within_api(target, self.api_url):
            raise ApiError(
                remedies.refused_redirect(operation, answer.status, self.host, write=write),
                remedy=remedies.CHECK_API_URL,
                status=answer.status,
            )
        if redirects > MAX_REDIRECTS:
            raise bad_answer(operation, f"it was redirected more than {MAX_REDIRECTS} times")
        return target

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
                remedy=remedies.gave_up(fault, decision, self.retrier.policy, self.host),
                status=fault.status,
            )
        self.events.retry(
            f"{method} {path}: {fault.what}; retrying in {decision.wait:.1f}s "
            f"(attempt {attempt + 1} of {self.retrier.policy.max_attempts})."
        )
        self.retrier.wait(decision.wait)

    def _api_error(
        self, answer: Answer, fault: Fault, operation: str, store: Store | None
    ) -> ApiError:
        message = " ".join(inert(fault.github_message).split())  # scrubbed and capped
        cls = KeyRejectedError if answer.status == 422 and "key_id" in message else ApiError
        quoted = f' GitHub says: "{message.rstrip(".")}".' if message else ""
        headers = {name.lower(): self.redactor.scrub(v) for name, v in answer.headers.items()}
        return cls(
            f"Could not {operation}: HTTP {answer.status}.{quoted}",
            remedy=remedies.remedy_for(
                answer.status,
                headers,
                message,
                store,
                api_host=self.host,
                fields=answer.invalid_fields(),
            ),
            status=answer.status,
        )
