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
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .redact import Redactor
from .retry import Fault

# The most of GitHub's message that is quoted, after scrubbing (GitHub's own messages are
# one sentence; a longer text is a server or proxy quoting something back).
MESSAGE_CAP = 500
# GitHub lists an error or two, each a sentence. Whole entries past MAX_ERRORS, and whole
# fields longer than MAX_FIELD characters, are left out (never cut: a cut before the
# scrub could keep the start of a secret), so a server sending 4 MiB of text costs little
# scrubbing time.
MAX_ERRORS = 20
MAX_FIELD = 4096

if TYPE_CHECKING:
    from .clock import Clock
    from .config import Access, Store
    from .events import Events
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

    def github_message(self, redactor: Redactor | None = None) -> str:
        """GitHub's own ``message`` and ``errors[]`` text; never the raw body.

        With ``redactor``: each part scrubbed of every known secret, then joined, then cut
        to ``MESSAGE_CAP`` characters (``Redactor.scrub_then_cap``), so that no piece of a
        secret survives a cut. Without one, the text is neither scrubbed nor cut: the
        caller must scrub it before any cut (a cut first could leave the start of a secret
        that straddled it).
        """
        try:
            body = self.json()
        except ValueError:
            return ""
        if not isinstance(body, dict):
            return ""
        # Field by field first: a field that ends with the start of a secret (a server
        # that cut its own text) is no longer at the end once the fields are put together.
        scrub = _fields_of(redactor.scrub if redactor is not None else _unchanged)
        errors = body.get("errors")
        details = [
            _error_detail(error, scrub)
            for error in (errors[:MAX_ERRORS] if isinstance(errors, list) else [])
            if isinstance(error, dict)
        ]
        message = body.get("message")
        first = scrub(message) if isinstance(message, str) else ""
        text = "; ".join(part for part in [first, *details] if part)
        return text if redactor is None else redactor.scrub_then_cap(text, MESSAGE_CAP)

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

    def fault(self, redactor: Redactor | None = None) -> Fault:
        """The answer as a failed attempt, for the retry rules (``github_message``'s text)."""
        message = self.github_message(redactor)
        return Fault(f"HTTP {self.status}", self.status, self.headers, message)


def _error_detail(error: dict[str, object], scrub: Callable[[str], str]) -> str:
    """One of GitHub's ``errors[]``: its field and code, and its message when it has one."""
    field, code, message = (error.get(key) for key in ("field", "code", "message"))
    named = ": ".join(scrub(part) for part in (field, code) if isinstance(part, str) and part)
    text = scrub(message) if isinstance(message, str) else ""
    if named and text:
        return f"{named} ({text})"
    return named or text


def _unchanged(text: str) -> str:
    return text


def _fields_of(scrub: Callable[[str], str]) -> Callable[[str], str]:
    """``scrub`` for one field of GitHub's error text; a field too long is left out whole."""
    return lambda text: "" if len(text) > MAX_FIELD else scrub(text)


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
