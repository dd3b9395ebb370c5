"""The transport seam: what the core needs from a connection to GitHub, and nothing more.

The core, planning and writing talk to GitHub through ``github.GitHub``, which talks to
a ``Transport``: send one request (retried as the transport sees fit) and get an answer,
or read every item of a paged list. ``Connect`` builds one transport per token. The
product passes ``transport.HttpTransport`` (requests, deadlines, GitHub's retry rules);
tests of decisions pass an in-memory transport whose answers are plain functions, in the
manner of httpx's ``MockTransport``, so that planning, limits, prune and the order of
writes are tested without a socket. The emulator stays for everything about the wire.

This module imports no third-party code: a run that fails validation never loads
requests (see ``process`` for the start-up policy).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .retry import Fault

if TYPE_CHECKING:
    from .clock import Clock
    from .config import Access, Store
    from .events import Events
    from .redact import Redactor
    from .retry import Retrier


class Answer(NamedTuple):
    """What the server answered to one attempt."""

    status: int
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    body: bytes
    url: str  # the URL that was fetched, query included
    next_url: str | None  # the ``Link: rel="next"`` target, if any
    # An earlier attempt of the same request got no answer or a 5xx: it may have been
    # carried out, so a retried PUT answered 204 may be this run's own creation.
    retried: bool = False

    def json(self) -> Any:
        """The body as JSON (raises ``ValueError`` when it is not, or nests absurdly deep)."""
        try:
            return json.loads(self.body)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc

    def github_message(self) -> str:
        """GitHub's own ``message`` and ``errors[]`` text, short; never the raw body."""
        try:
            body = self.json()
        except ValueError:
            return ""
        if not isinstance(body, dict):
            return ""
        errors = body.get("errors")
        details = [
            _error_detail(error)
            for error in (errors if isinstance(errors, list) else [])
            if isinstance(error, dict)
        ]
        message = body.get("message")
        first = message if isinstance(message, str) else ""
        text = "; ".join(part for part in [first, *details] if part)
        return text[:500]

    def invalid_fields(self) -> tuple[str, ...]:
        """The fields a 422 names in ``errors[].field`` (GitHub's validation errors)."""
        try:
            body = self.json()
        except ValueError:
            return ()
        errors = body.get("errors") if isinstance(body, dict) else None
        return tuple(
            str(error["field"])
            for error in (errors if isinstance(errors, list) else [])
            if isinstance(error, dict) and isinstance(error.get("field"), str)
        )

    def fault(self) -> Fault:
        """The answer as a failed attempt, for the retry rules."""
        return Fault(f"HTTP {self.status}", self.status, self.headers, self.github_message())


def _error_detail(error: dict[str, object]) -> str:
    """One of GitHub's ``errors[]``: its field and code, and its message when it has one."""
    field, code, message = (error.get(key) for key in ("field", "code", "message"))
    named = ": ".join(str(part) for part in (field, code) if isinstance(part, str) and part)
    text = message if isinstance(message, str) else ""
    if named and text:
        return f"{named} ({text})"
    return named or text


class Transport(Protocol):
    """One token's way to GitHub: requests, paged lists, and the secrets it scrubs."""

    @property
    def redactor(self) -> Redactor:
        """The secrets removed from every text the server sends (the run's, and the token)."""

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
        """The answer to one request with an ``expect``ed status; ``ApiError`` otherwise.

        ``operation`` says what was being done, for messages ("list the secrets of x");
        ``store``, the secret store addressed, so a refusal names its permission.
        """

    def paginate(
        self,
        path: str,
        key: str,
        *,
        operation: str,
        max_pages: int,
        store: Store | None = None,
    ) -> Iterator[Any]:
        """Every item of a paged list (``key`` names it in the body; '' if the body is it)."""

    def close(self) -> None:
        """Release what the transport holds (connections)."""


class Connect(Protocol):
    """Builds the transport for one token."""

    def __call__(
        self,
        access: Access,
        *,
        clock: Clock,
        events: Events,
        redactor: Redactor,
        retrier: Retrier,
    ) -> Transport:
        """A transport to ``access.api_url`` with ``access.token``.

        It scrubs ``redactor``'s secrets (and adds the token to them) from every text
        the server sends, and charges its retries to ``retrier``: the run's one budget,
        made by the core and shared by every token.
        """
