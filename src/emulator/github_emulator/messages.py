"""Request and response shapes shared by the HTTP server, the pipeline and the routes."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

DOCS_ROOT = "https://docs.github.com/rest"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class RawRequest:
    """One HTTP request as the server read it off the socket."""

    method: str
    target: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    # scheme://host[:port] as the client addressed this server (its Host header, else the
    # bound address), for absolute URLs in answers.
    origin: str


class Writer(Protocol):
    """Where answer bytes go: the connection's unbuffered writer."""

    def write(self, data: bytes, /) -> int | None:
        """Send `data` (raises OSError once the client has gone)."""


class Wire(Protocol):
    """Sends an answer the way a healthy server would not (dripping, stalling, endless)."""

    def send(self, out: Writer, response: ApiResponse, stopping: threading.Event) -> None:
        """Write `response` to `out`; return at once when `stopping` is set."""


@dataclass
class ApiResponse:
    """One answer; `body` None means no body (204), `drop` means close without answering."""

    status: int
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    # Injected non-JSON bodies (e.g. a proxy's HTML error page) are sent as they are.
    text: str | None = None
    # Bytes sent exactly as they are (a compressed body, a malformed document).
    raw: bytes | None = None
    drop: bool = False
    # How the server sends the answer when it must misbehave on the wire; None: normally.
    wire: Wire | None = None
    # Kept for the request log only; never sent.
    decrypted_value: str | None = None

    def payload(self) -> bytes:
        """The encoded body, empty when there is none."""
        if self.raw is not None:
            return self.raw
        if self.text is not None:
            return self.text.encode("utf-8")
        if self.body is None:
            return b""
        return json.dumps(self.body).encode("utf-8")


def error_body(status: int, message: str, documentation_url: str = DOCS_ROOT) -> dict[str, object]:
    """GitHub's error object: message, documentation_url and the status as a string."""
    return {"message": message, "documentation_url": documentation_url, "status": str(status)}


class HttpError(Exception):
    """A GitHub-style error answer, raised from deep in a route and rendered by the pipeline."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        documentation_url: str | None = None,
    ) -> None:
        """Keep what the answer needs; the route's documentation URL fills in when omitted."""
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.documentation_url = documentation_url

    def to_response(self, documentation_url: str) -> ApiResponse:
        """The answer, pointing at `documentation_url` unless the error named its own."""
        url = self.documentation_url or documentation_url
        return ApiResponse(
            status=self.status,
            body=error_body(self.status, self.message, url),
            headers=dict(self.headers),
        )


def not_found() -> HttpError:
    """GitHub's 404, also used to hide what a token may not see."""
    return HttpError(404, "Not Found")
