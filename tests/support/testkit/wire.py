"""Misbehaving HTTP servers on 127.0.0.1 at the socket level, for what the emulator's
hostile modes cannot do.

The emulator misbehaves per request after its TLS handshake, with HTTP it can frame;
these servers hold the raw socket: a TLS handshake never answered, header lines without
end, a deflate bomb, a status no server sends, a proxy refusing CONNECT, and a count of
the connections a client opened. Each ``Attack`` takes the request and writes whatever
it likes. A key request can be answered properly first (``after_key``), so that an
attack reaches the listing or the write.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import zlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType

KEY = base64.b64encode(bytes(range(1, 33))).decode()  # a well-formed 32-byte key


@dataclass(frozen=True)
class Request:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Attack = Callable[[socket.socket, Request], None]


@dataclass
class WireServer:
    """A threaded TCP server: every connection's request goes to ``attack``."""

    attack: Attack
    requests: list[Request] = field(default_factory=list)
    connections: int = 0  # accepted so far

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []

    @property
    def url(self) -> str:
        """The server's root, usable as an ``api-url`` (loopback http is allowed)."""
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    @property
    def stopped(self) -> threading.Event:
        """Set when the server shuts down: an endless attack ends then."""
        return self._stop

    def __enter__(self) -> WireServer:
        accept = threading.Thread(target=self._accept, daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._listener.close()
        for conn in list(self._conns):
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._conns.append(conn)
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with suppress(OSError), conn:
            while True:
                request = read_request(conn)
                if request is None:
                    return
                self.requests.append(request)
                self.attack(conn, request)  # a keep-alive answer lets the client send more


def read_request(conn: socket.socket) -> Request | None:
    """Read one request (headers and a Content-Length body); None at end of stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = [*lines[0].split(" "), "", ""][:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Request(method, path, headers, rest)


# -- answers and attacks ------------------------------------------------------------------


def head(
    status: int = 200,
    headers: dict[str, str] | None = None,
    length: int | None = None,
    *,
    keep_alive: bool = False,
) -> bytes:
    """A status line and headers; without ``length`` the body runs until the close."""
    lines = [f"HTTP/1.1 {status} X", "Connection: " + ("keep-alive" if keep_alive else "close")]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(
    status: int = 200,
    body: object = None,
    headers: dict[str, str] | None = None,
    *,
    keep_alive: bool = False,
) -> Attack:
    """A plain, complete answer: JSON ``body`` (bytes are sent as they are)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}

    def attack(conn: socket.socket, request: Request) -> None:
        conn.sendall(head(status, all_headers, len(raw), keep_alive=keep_alive) + raw)

    return attack


def key_answer() -> Attack:
    """The public-key answer GitHub gives."""
    return answer(200, {"key_id": "1", "key": KEY})


def after_key(then: Attack) -> Attack:
    """Answer public-key requests properly and every other request with ``then``."""
    good = key_answer()

    def attack(conn: socket.socket, request: Request) -> None:
        (good if request.path.endswith("/public-key") else then)(conn, request)

    return attack


def stall(stop: threading.Event, seconds: float = 3600) -> Attack:
    """Read the request, then say nothing at all."""

    def attack(conn: socket.socket, request: Request) -> None:
        stop.wait(seconds)

    return attack


def drip_headers(stop: threading.Event, interval: float = 0.05) -> Attack:
    """A status line, then header bytes one at a time, forever."""

    def attack(conn: socket.socket, request: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(interval):
            conn.sendall(b"X")

    return attack


@cache
def deflate_bomb(inflated: int) -> bytes:
    """``inflated`` bytes of a JSON-looking body in zlib format (about 1000:1)."""
    out = zlib.compressobj(9, zlib.DEFLATED, 15)
    block = b" " * (1 << 20)
    parts = [out.compress(b"[")]
    for start in range(1, inflated, len(block)):
        parts.append(out.compress(block[: inflated - start]))
    parts.append(out.flush())
    return b"".join(parts)


def deflate_answer(inflated: int) -> Attack:
    """``Content-Encoding: deflate`` (the emulator's bombs are gzip) inflating that far."""

    def attack(conn: socket.socket, request: Request) -> None:
        body = deflate_bomb(inflated)
        headers = {"Content-Type": "application/json", "Content-Encoding": "deflate"}
        conn.sendall(head(200, headers, len(body)) + body)

    return attack
