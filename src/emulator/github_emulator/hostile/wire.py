"""Misbehaviour on the wire: the answer is right, but it arrives slowly, never, or forever.

These hold a connection (and its server thread) for as long as they misbehave, so each one
watches the emulator's `stopping` event and returns as soon as the emulator stops; closing
the emulator also shuts their sockets. They work the same over HTTP and HTTPS.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import formatdate
from http import HTTPStatus
from typing import ClassVar, Literal

from ..messages import ApiResponse, Writer
from .base import FaultRequest, Real

ENDLESS_PREFIX = b'{"padding": "'


def head_bytes(status: int, headers: Mapping[str, str]) -> bytes:
    """The status line and headers (with Server and Date, as the normal path sends them)."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}", "server: GitHub.com"]
    lines.append(f"date: {formatdate(usegmt=True)}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _with_length(response: ApiResponse) -> tuple[bytes, bytes]:
    payload = response.payload()
    headers = {**response.headers, "content-length": str(len(payload)), "connection": "close"}
    return head_bytes(response.status, headers), payload


@dataclass(frozen=True)
class Drip:
    """The real answer, one byte every `interval` seconds.

    `where="headers"` drips from the status line on (a client's per-read timeout never
    fires, so only a total deadline ends it); `where="body"` sends the headers at once and
    drips the body. Over TLS each byte is its own record.
    """

    name: ClassVar[str] = "drip"
    interval: float = 1.0
    where: Literal["headers", "body"] = "body"

    def __post_init__(self) -> None:
        """Refuse what cannot be served."""
        if self.interval <= 0:
            raise ValueError("interval must be > 0")
        if self.where not in ("headers", "body"):
            raise ValueError("where must be 'headers' or 'body'")

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The emulator's own answer, sent slowly."""
        return replace(real(), wire=self)

    def send(self, out: Writer, response: ApiResponse, stopping: threading.Event) -> None:
        """Write one byte per interval until done or stopped."""
        head, payload = _with_length(response)
        if self.where == "body":
            out.write(head)
            slow = payload
        else:
            slow = head + payload
        for index in range(len(slow)):
            if stopping.wait(self.interval):
                return
            out.write(slow[index : index + 1])


@dataclass(frozen=True)
class Stall:
    """Read the request, then never answer: the connection stays open and silent.

    The request is recorded with status None. The connection is held until the emulator
    stops (a client that gives up is not noticed before that).
    """

    name: ClassVar[str] = "stall"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """No answer at all (recorded like a dropped connection); the state is not touched."""
        return ApiResponse(200, drop=True, wire=self)

    def send(self, out: Writer, response: ApiResponse, stopping: threading.Event) -> None:
        """Wait for the emulator to stop."""
        stopping.wait()


@dataclass(frozen=True)
class EndlessBody:
    """200 with a JSON content type and a body that never ends, sent as fast as it is read.

    The body starts like a JSON object (`{"padding": "AAAA…`) and never closes. `framing`
    "chunked" sends `Transfer-Encoding: chunked` chunks of `chunk_bytes`; "close" sends no
    length at all (the body would end when the connection closes, which it does not).
    """

    name: ClassVar[str] = "endless-body"
    framing: Literal["chunked", "close"] = "chunked"
    chunk_bytes: int = 64 * 1024

    def __post_init__(self) -> None:
        """Refuse what cannot be served."""
        if self.framing not in ("chunked", "close"):
            raise ValueError("framing must be 'chunked' or 'close'")
        if not 1 <= self.chunk_bytes <= 1024 * 1024:
            raise ValueError("chunk_bytes must be between 1 and 1048576")

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """An endless 200; the state is not touched."""
        return ApiResponse(200, headers={"content-type": "application/json"}, wire=self)

    def send(self, out: Writer, response: ApiResponse, stopping: threading.Event) -> None:
        """Write until the client hangs up or the emulator stops."""
        headers = dict(response.headers)
        if self.framing == "chunked":
            headers["transfer-encoding"] = "chunked"
        headers["connection"] = "close"
        out.write(head_bytes(response.status, headers))
        filler = b"A" * self.chunk_bytes
        pieces = [ENDLESS_PREFIX]
        while not stopping.is_set():
            for piece in pieces:
                if self.framing == "chunked":
                    out.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    out.write(piece)
            pieces = [filler]
