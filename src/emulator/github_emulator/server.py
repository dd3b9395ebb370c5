"""The HTTP(S) server: stdlib ThreadingHTTPServer, one daemon thread per connection.

It only moves bytes: each request becomes a RawRequest for the dispatcher, and the answer
is written back (or the connection is closed unanswered when the answer says `drop`, or
the answer's own `wire` sends it when it must misbehave).
TLS handshakes happen in the connection's own thread, so one stalled client cannot block
the accept loop; open keep-alive connections are shut at stop so clients see it.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .hosts import origin_for
from .messages import ApiResponse, RawRequest

Dispatch = Callable[[RawRequest], ApiResponse]


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, asks the dispatcher, writes the answer; HTTP/1.1 keep-alive."""

    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""
    # Idle keep-alive connections give their thread back after this many seconds.
    timeout = 30
    # Headers and body go out in two writes; with Nagle on, a keep-alive client waits for
    # the delayed ACK (~40 ms) on every request.
    disable_nagle_algorithm = True
    server: _Server

    def version_string(self) -> str:
        """The Server header GitHub sends."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log is the record, and test output stays readable."""

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            self.send_error(400, "Bad Content-Length")
            return
        raw = RawRequest(
            method=self.command,
            target=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length > 0 else b"",
            origin=origin_for(self.server.scheme, self.headers.get("host"), self.server.origin),
        )
        response = self.server.dispatch(raw)
        if response.wire is not None:
            # A misbehaving answer never leaves the connection in a state to reuse.
            self.close_connection = True
            response.wire.send(self.wfile, response, self.server.stopping)
            return
        if response.drop:
            # No status line at all: the client sees the connection closed mid-request.
            self.close_connection = True
            return
        payload = response.payload()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    # The names BaseHTTPRequestHandler looks up; every method takes the same path.
    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve  # noqa: N815


class _Server(ThreadingHTTPServer):
    """Adds TLS per connection, the dispatcher, and tracking of open connections."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], dispatch: Dispatch, tls: ssl.SSLContext | None
    ) -> None:
        """Bind at once (port 0 picks a free port); serve only after `serve_forever`."""
        self.dispatch = dispatch
        self.tls = tls
        # Set at stop: answers that drip, stall or never end return when they see it.
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        shown = f"[{host}]" if ":" in host else host
        self.scheme = "https" if tls else "http"
        self.origin = f"{self.scheme}://{shown}:{port}"

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Runs in the connection's thread: handshake, serve, then forget the socket."""
        conn: socket.socket = request
        if self.tls is not None:
            request.settimeout(_Handler.timeout)
            try:
                conn = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self._open_lock:
            self._open.add(conn)
        try:
            super().finish_request(conn, client_address)
        finally:
            with self._open_lock:
                self._open.discard(conn)
            if conn is not request:
                conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (or fail TLS) are normal here; anything else is reported."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        """Shut every open connection so keep-alive clients notice the stop."""
        with self._open_lock:
            connections = list(self._open)
        for conn in connections:
            with contextlib.suppress(OSError):
                # The plain-socket method: SSLSocket.shutdown would drop its SSL object
                # under the feet of the thread still reading from it.
                socket.socket.shutdown(conn, socket.SHUT_RDWR)


class HttpServer:
    """A started-on-demand server thread around `_Server`."""

    def __init__(self, host: str, port: int, dispatch: Dispatch, tls: ssl.SSLContext | None):
        """Bind the socket now, so the URL is known before `start`."""
        self._server = _Server((host, port), dispatch, tls)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # How often the loop checks for stop(): bounds how long stop() waits.
            kwargs={"poll_interval": 0.02},
            name=f"codespaces-emulator {self._server.origin}",
            daemon=True,
        )

    @property
    def origin(self) -> str:
        """scheme://host:port of the bound socket."""
        return self._server.origin

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and every open connection."""
        self._server.stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
        self._server.close_open_connections()
