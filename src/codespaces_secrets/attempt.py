"""Send one HTTP attempt and translate whatever happens into the action's own terms.

The one place that knows requests' exceptions: an attempt ends with an ``Answer`` (any
HTTP status, body read), a ``NoAnswer`` (the network failed in a way a retry may fix),
or an ``ApiError`` (a failure no retry fixes, with its remedy). Retrying is not decided
here but in ``retry``; ``transport`` puts the two together.

Every attempt is bounded: one deadline covers connecting, the headers and the whole body
(``deadline``), and the body is read as a stream that stops at ``Limits.max_body``
bytes, counted after inflating a compressed answer. Nothing a server sends can make one
attempt run longer or hold more memory than that.
"""

from __future__ import annotations

import json
import socket
import ssl
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import requests
import urllib3.exceptions

from .deadline import Deadline
from .errors import ApiError
from .redact import Redactor
from .retry import Fault

MIB = 1024 * 1024
CHUNK = 64 * 1024
# The most of GitHub's message that is quoted, after scrubbing (GitHub's own messages are
# one sentence; a longer text is a server or proxy quoting something back).
MESSAGE_CAP = 500
# GitHub lists an error or two, each a sentence. Whole entries past MAX_ERRORS, and whole
# fields longer than MAX_FIELD characters, are left out (never cut: a cut before the
# scrub could keep the start of a secret), so a server sending 4 MiB of text costs little
# scrubbing time.
MAX_ERRORS = 20
MAX_FIELD = 4096


class Limits(NamedTuple):
    """How long one attempt may take and how much of an answer it reads.

    ``deadline``: seconds for the whole attempt, connect to last body byte. ``max_body``:
    the largest answer read. GitHub's largest answer here is a page of 100 full repository
    objects (``GET /orgs/{org}/repos``), about 0.6 MB; 4 MiB is well above that and small
    next to a runner's memory, even with the JSON parsed (a few times the text).
    """

    connect: float = 10.0
    deadline: float = 30.0
    max_body: int = 4 * MIB


class Answer(NamedTuple):
    """What the server answered to one attempt."""

    status: int
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    body: bytes
    url: str  # the URL that was fetched, query included
    next_url: str | None  # the ``Link: rel="next"`` target, if any

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


class NoAnswer(Exception):  # noqa: N818 - an outcome, not a programming error
    """The attempt got no HTTP answer (refused, dropped, timed out): a retry may help."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.what)
        self.fault = fault


def make_attempt(
    session: requests.Session,
    method: str,
    url: str,
    *,
    operation: str,
    host: str,
    limits: Limits,
    proxies: Mapping[str, str],
    verify: bool | str,
    json_body: Mapping[str, Any] | None = None,
    params: Mapping[str, str | int] | None = None,
) -> Answer:
    """Make one attempt; return the answer or raise ``NoAnswer`` / ``ApiError``.

    ``host`` names the server in messages (never with userinfo); redirects are not
    followed here (``transport`` decides which ones may be).
    """
    timeout = (min(limits.connect, limits.deadline), limits.deadline)
    with Deadline(limits.deadline) as deadline:
        try:
            response = session.request(
                method,
                url,
                json=json_body,
                params=params,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
                proxies=dict(proxies),
                verify=verify,
            )
            with response:
                body = _read_body(response, limits.max_body, operation)
        except ApiError:
            raise
        except Exception as exc:
            if deadline.expired:
                raise NoAnswer(_timed_out(host, limits)) from exc
            raise _translate(exc, operation, host, verify) from exc
        if deadline.expired:
            # A close-delimited body ends at the shutdown: it looks complete but is not.
            raise NoAnswer(_timed_out(host, limits))
    following = response.links.get("next", {}).get("url")
    return Answer(response.status_code, response.headers, body, response.url, following)


def _timed_out(host: str, limits: Limits) -> Fault:
    return Fault(f"{host}: no complete answer within {limits.deadline:g}s", kind="timed out")


def _translate(exc: Exception, operation: str, host: str, verify: bool | str) -> Exception:
    """Translate a failure of requests/urllib3 into ``NoAnswer`` or ``ApiError``."""
    if isinstance(exc, requests.exceptions.ProxyError):
        return ApiError(
            f"Could not {operation}: the proxy refused or failed the connection to {host}.",
            remedy="Check HTTPS_PROXY/HTTP_PROXY (and credentials in it) or add the host to "
            "NO_PROXY.",
        )
    kind = failure_kind(exc)
    if kind == "TLS failure":
        # A certificate problem does not go away by retrying; say what fixes it.
        bundle = f" (CA bundle: {verify})" if isinstance(verify, str) else ""
        return ApiError(
            f"Could not {operation}: TLS failure: the TLS certificate of {host} could not be "
            f"verified{bundle}.",
            remedy="For a private CA, set REQUESTS_CA_BUNDLE to the CA's PEM file"
            + (" (the one set does not verify this server)" if bundle else "")
            + ". Verification is never turned off.",
        )
    if kind:
        return NoAnswer(Fault(f"{host}: {kind}", kind=kind))
    if isinstance(exc, OSError) and not isinstance(exc, requests.RequestException):
        # requests reports an unreadable REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE this way.
        return ApiError(
            f"Could not {operation}: the CA certificate bundle cannot be read.",
            remedy="REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names a file that does not exist; "
            "point it at the CA's PEM file or unset it.",
        )
    if isinstance(exc, requests.ConnectionError | urllib3.exceptions.HTTPError):
        return NoAnswer(Fault(f"{host}: connection failed", kind="connection failed"))
    return ApiError(
        f"Could not {operation}: the request could not be made ({type(exc).__name__}).",
        remedy="Check that api-url is the REST API root, e.g. https://api.github.com.",
    )


def failure_kind(exc: BaseException) -> str:
    """What failed, from the chain of causes: name, refusal, timeout, TLS ('' if unknown)."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        kind = _kind_of(current)
        if kind:
            return kind
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += list(current.args)
        pending += [x for x in linked if isinstance(x, BaseException)]
    return ""


def _kind_of(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror | urllib3.exceptions.NameResolutionError):
        return "name not found"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):
        return ""  # a ConnectTimeoutError by inheritance only: its cause says what failed
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError):
        return "TLS failure"
    if isinstance(exc, TimeoutError | requests.Timeout | urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    return ""


def _read_body(response: requests.Response, cap: int, operation: str) -> bytes:
    """The body, read in chunks and inflated if compressed, refused beyond ``cap`` bytes."""
    inflate = _inflater(response.headers.get("content-encoding", ""), operation)
    parts: list[bytes] = []
    size = 0
    for chunk in inflate(_raw_chunks(response), cap + 1):
        size += len(chunk)
        if size > cap:
            raise ApiError(
                f"Could not {operation}: the answer is larger than {cap // MIB} MiB, far more "
                "than GitHub sends for it; it was not read further.",
                remedy="Check that api-url is GitHub's REST API root and that no proxy alters "
                "answers.",
                status=response.status_code,
            )
        parts.append(chunk)
    return b"".join(parts)


def _raw_chunks(response: requests.Response) -> Iterator[bytes]:
    while chunk := response.raw.read(CHUNK, decode_content=False):
        yield chunk


Inflater = Callable[[Iterator[bytes], int], Iterator[bytes]]


class _Inflate:
    """Inflates gzip or zlib data; each step yields at most ``limit`` bytes at a time."""

    def __call__(self, chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
        inflater = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, detected
        for chunk in chunks:
            data = chunk
            while data:
                out = inflater.decompress(data, limit)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if not out and data:
                    break  # no progress: let the size check or the next chunk decide


def _plain(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    return chunks


def _inflater(encoding: str, operation: str) -> Inflater:
    """The identity or one layer of gzip/deflate; anything else is refused unread.

    The action asks for ``Accept-Encoding: identity``, so GitHub sends plain text; a
    server that compresses anyway is inflated under the same size cap, and one that
    stacks encodings (``gzip, gzip``) is refused rather than inflated layer by layer.
    """
    codings = [x.strip().lower() for x in encoding.split(",") if x.strip()]
    codings = [x for x in codings if x != "identity"]
    if not codings:
        return _plain
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return _Inflate()
    raise ApiError(
        f"Could not {operation}: the answer uses a content encoding the action does not accept.",
        remedy="The action asks for uncompressed answers; check that no proxy recompresses them.",
    )
