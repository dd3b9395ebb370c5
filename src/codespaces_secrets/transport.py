"""A GitHub REST session: one attempt at a time (``send``), retried by the rules (``retry``).

Built from an ``Access`` (API root, token, retry policy) by the front door, through a
factory the caller may replace: tests and benchmarks pass shorter limits or a clock that
does not really wait. Nothing else in the action sees the token, so this is also where
the token is kept from going anywhere but the API root: redirects and next-page links
are followed only within it (and redirects only for reads), no ``.netrc`` replaces the
token, and text the server sends is scrubbed of every known secret before it leaves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import requests.utils
from requests.structures import CaseInsensitiveDict

from . import __version__
from .apiroot import host_of, is_github_host, is_loopback, within_api
from .attempt import Answer, Limits, NoAnswer, make_attempt
from .clock import Clock
from .config import Access, Store
from .deadline import DeadlineAdapter
from .errors import ApiError, KeyRejectedError, RetriesExhaustedError, bad_answer
from .events import Events
from .redact import Redactor
from .remedies import CHECK_API_URL, remedy_for
from .retry import Decision, Fault, Retrier, WritePacer

API_VERSION = "2022-11-28"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
MAX_REDIRECTS = 5


class Transport:
    """A GitHub REST session that retries transient faults within a bounded budget."""

    def __init__(
        self,
        access: Access,
        *,
        clock: Clock,
        events: Events,
        limits: Limits | None = None,
        pacer: WritePacer | None = None,
        redactor: Redactor | None = None,
        retrier: Retrier | None = None,
    ) -> None:
        self.api_url = access.api_url.rstrip("/")
        self.host = host_of(self.api_url)
        hostname = urlsplit(self.api_url).hostname or ""
        self.clock = clock
        self.events = events
        self.limits = limits or Limits()
        # One retry budget per run: transports for other tokens of the run share it.
        self.retrier = retrier or Retrier(
            access.retry, clock, custom_host=not is_github_host(hostname)
        )
        self.pacer = pacer or WritePacer()
        self.redactor = redactor or Redactor()
        self.redactor.add(access.token)
        self.proxies = _proxies(self.api_url, hostname)
        self.verify = _ca_bundle(os.environ)
        self.session = requests.Session()
        # No environment lookups by requests itself: they include ~/.netrc (or $NETRC),
        # whose password would silently replace the token. Proxies and the CA bundle are
        # read from the environment explicitly instead (_proxies, _ca_bundle).
        self.session.trust_env = False
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, DeadlineAdapter())
        self.session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                # Plain answers: nothing to inflate, so nothing to bomb (send.py caps
                # a compressed answer anyway).
                "Accept-Encoding": "identity",
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
        url = path if path.startswith(("http://", "https://")) else f"{self.api_url}{path}"
        if not within_api(url, self.api_url):
            raise bad_answer(operation, "it points to a URL outside the API root")
        if json is not None and "encrypted_value" in json:
            # Never echoed back: a server may reflect the request in its error text.
            self.redactor.add(str(json["encrypted_value"]))
        write = method in WRITE_METHODS
        failures = redirects = 0
        while True:
            if write:
                self._pace()
            started = self.clock.monotonic()
            try:
                answer = self._send(method, url, operation, json, params)
            except NoAnswer as exc:
                fault = exc.fault
            else:
                self.retrier.answered = True
                elapsed = self.clock.monotonic() - started
                self.events.debug(f"{method} {path} -> {answer.status} in {elapsed:.3f}s")
                if answer.status in expect:
                    return answer
                if 300 <= answer.status <= 399:
                    redirects += 1
                    url, params = self._redirect(answer, write, operation, redirects), None
                    continue
                fault = answer.fault()
                if not fault.transient:
                    raise self._api_error(answer, fault, operation, store)
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
    ) -> Iterator[dict[str, Any]]:
        """Yield the items of a paged list, following GitHub's ``Link: rel="next"``.

        ``key`` names the list inside the JSON object; empty when the body is the list.
        A next link is followed only within the API root and never to a page already
        read, and at most ``max_pages`` pages are read: whatever the server says, a
        listing ends. Items are yielded as GitHub sent them (``answers`` checks them).
        """
        url: str | None = path
        params: dict[str, str | int] | None = {"per_page": 100}
        fetched: set[str] = set()
        pages = 0
        while url is not None:
            pages += 1
            if pages > max_pages:
                raise bad_answer(
                    operation, f"its pages go on past {max_pages}, beyond GitHub's own limits"
                )
            answer = self.request("GET", url, operation=operation, params=params, store=store)
            if answer.url in fetched:
                raise bad_answer(operation, "its next-page link leads back to a page already read")
            fetched.add(answer.url)
            yield from _page_items(answer, key, operation)
            url, params = self._next_page(answer, fetched, operation), None

    def _send(
        self,
        method: str,
        url: str,
        operation: str,
        json: Mapping[str, Any] | None,
        params: Mapping[str, str | int] | None,
    ) -> Answer:
        return make_attempt(
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

    def _next_page(self, answer: Answer, fetched: set[str], operation: str) -> str | None:
        if not answer.next_url:
            return None
        following = urljoin(answer.url, answer.next_url)
        if not within_api(following, self.api_url):
            # The session would send the token there.
            raise bad_answer(operation, "its next-page link points outside the API root")
        if following in fetched:
            raise bad_answer(operation, "its next-page link leads back to a page already read")
        return following

    def _redirect(self, answer: Answer, write: bool, operation: str, redirects: int) -> str:
        """Where a read may follow a redirect to; a redirected write is an error."""
        status = answer.status
        if write:
            raise ApiError(
                f"Could not {operation}: the server answered HTTP {status} (a redirect). A "
                "write is never redirected, so nothing was written.",
                remedy=CHECK_API_URL,
                status=status,
            )
        location = answer.headers.get("location", "")
        target = urljoin(answer.url, location)
        if not location or not within_api(target, self.api_url):
            raise ApiError(
                f"Could not {operation}: the server answered HTTP {status}, redirecting "
                f"away from the API root on {self.host}; not followed, so the token was not "
                "sent elsewhere.",
                remedy=CHECK_API_URL,
                status=status,
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
                remedy=self._give_up_remedy(fault, decision),
                status=fault.status,
            )
        self.events.retry(
            f"{method} {path}: {fault.what}; retrying in {decision.wait:.1f}s "
            f"(attempt {attempt + 1} of {self.retrier.policy.max_attempts})."
        )
        self.retrier.wait(decision.wait)

    def _give_up_remedy(self, fault: Fault, decision: Decision) -> str:
        """Why the run stopped trying (attempts or wait limit), and what helps."""
        policy = self.retrier.policy
        if decision.limit == "name":
            return (
                f"The name {self.host} was not found: check api-url for a typo (GitHub's API "
                "is https://api.github.com; GitHub Enterprise Cloud's is https://api.<name>.ghe.com)."
            )
        if decision.limit == "wait":
            stopped = (
                f"The run's retry-wait-limit ({policy.max_total_wait:g}s) is spent: failed "
                "attempts and the waits between them count against it. Raise retry-wait-limit "
                "to keep trying longer."
            )
        else:
            stopped = f"Each request is tried at most {policy.max_attempts} times."
        if fault.status is None:
            cause = (
                f"{self.host} could not be reached ({fault.kind}). Check api-url and the "
                "runner's network (DNS, firewall, HTTPS_PROXY/NO_PROXY), then re-run the job."
            )
        elif fault.rate_limited:
            cause = "GitHub is rate-limiting this token. Re-run the job later."
        else:
            cause = (
                f"The server kept answering HTTP {fault.status}. Re-run the job later; for "
                "GitHub, see https://www.githubstatus.com."
            )
        return f"{cause} {stopped}"

    def _api_error(
        self, answer: Answer, fault: Fault, operation: str, store: Store | None
    ) -> ApiError:
        message = _inert(self.redactor.scrub(fault.github_message))
        cls = KeyRejectedError if answer.status == 422 and "key_id" in message else ApiError
        quoted = f' GitHub says: "{message.rstrip(".")}".' if message else ""
        headers = CaseInsensitiveDict(
            {name: self.redactor.scrub(value) for name, value in answer.headers.items()}
        )
        return cls(
            f"Could not {operation}: HTTP {answer.status}.{quoted}",
            remedy=remedy_for(
                answer.status,
                headers,
                message,
                store or Store.CODESPACES,
                api_host=self.host,
                fields=answer.invalid_fields(),
            ),
            status=answer.status,
        )


def _page_items(answer: Answer, key: str, operation: str) -> list[Any]:
    """The list one page holds; a body of any other shape is a bad answer."""
    try:
        body = answer.json()
    except ValueError:
        raise bad_answer(operation, "it is not JSON", answer.status) from None
    items = body.get(key) if key and isinstance(body, dict) else body
    if not isinstance(items, list):
        where = f'"{key}" is not a list' if key else "it is not a list"
        raise bad_answer(operation, where, answer.status)
    return items


def _inert(text: str) -> str:
    """Server text on one line of printable characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _proxies(api_url: str, hostname: str) -> dict[str, str]:
    """The environment's proxies for the API (HTTPS_PROXY, NO_PROXY...); none for loopback."""
    if is_loopback(hostname):
        return {}
    return dict(requests.utils.get_environ_proxies(api_url, no_proxy=None))


def _ca_bundle(environ: Mapping[str, str]) -> bool | str:
    """The CA bundle requests would read from the environment, or True (its default)."""
    return environ.get("REQUESTS_CA_BUNDLE") or environ.get("CURL_CA_BUNDLE") or True
