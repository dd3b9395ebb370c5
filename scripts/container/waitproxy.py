"""Docker's API for act, in front of podman's socket, with container waits that do not spin.

Why: podman 4.3 (Debian 12's) answers Docker's `POST /containers/{id}/wait` by polling the
container's state every nanosecond (podman issue #18150, fixed in later releases): its API
service burns a whole core for as long as the container runs. On a two-core machine that
core is taken from the very container being timed, and its step under act gains a few
tenths of a second, more or less from one job to the next. GitHub's runner talks to
Docker's engine, whose wait does not poll. So every request passes through untouched but
that one, which is answered from podman's own wait endpoint (libpod's, polling every
POLL): the same answer, `{"StatusCode": N, "Error": null}`, without the spinning.

What passes through is copied as HTTP/1.1 framing says (Content-Length or chunked, or to
the end of the connection), flushed as it comes (pull progress streams); a connection
upgraded for attach or exec (101) becomes a plain two-way pipe. Nothing of a request or an
answer is logged but its request line, when it began and how long it took (act's container
create bodies carry the secrets).

Run as `python waitproxy.py LISTEN_SOCKET PODMAN_SOCKET`; WaitProxy starts and stops it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import socket
import sys
import threading
import time
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO

from containerlib import Service, unix_request

# How often podman's own wait looks at the container: a few CPU-milliseconds a second,
# and a step waits at most this long after its container ends.
POLL = "10ms"
# The Docker wait this proxy answers: ContainerWait's request, for the condition act uses
# (not-running, also the default). Other conditions pass through to podman.
WAIT = re.compile(rb"POST (?:/v[0-9.]+)?/containers/([A-Za-z0-9_.-]+)/wait(?:\?([^ ]*))? HTTP/1\.1")
# libpod's container states that are "not running" in Docker's sense.
NOT_RUNNING = ("created", "stopped", "exited")
HEAD_LIMIT = 64 * 1024
CHUNK = 64 * 1024


class ProxyError(Exception):
    """A message this proxy cannot frame: the connection is closed."""


def read_head(reader: io.BufferedReader) -> bytes | None:
    """One message head (start line and headers, blank line included); None at a clean end."""
    lines: list[bytes] = []
    size = 0
    while True:
        line = reader.readline(HEAD_LIMIT)
        if not line:
            if lines:
                raise ProxyError("the connection ended inside a message head")
            return None
        lines.append(line)
        size += len(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)
        if size > HEAD_LIMIT:
            raise ProxyError("a message head over 64 KiB")


def header_fields(head: bytes) -> dict[str, str]:
    """The head's fields, names lower-cased (a repeated name keeps its last value)."""
    fields: dict[str, str] = {}
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return fields


def copy_exact(reader: io.BufferedReader, out: socket.socket, size: int) -> None:
    """Copy size bytes from reader to out."""
    while size > 0:
        data = reader.read(min(size, CHUNK))
        if not data:
            raise ProxyError("the connection ended inside a message body")
        out.sendall(data)
        size -= len(data)


def copy_chunked(reader: io.BufferedReader, out: socket.socket) -> None:
    """Copy a chunked body, chunk by chunk as it comes, through its last chunk and trailer."""
    while True:
        size_line = reader.readline(HEAD_LIMIT)
        if not size_line.endswith(b"\n"):
            raise ProxyError("a chunk size line cut short")
        out.sendall(size_line)
        size = int(size_line.split(b";")[0].strip(), 16)
        if size == 0:
            break
        copy_exact(reader, out, size + 2)
    while True:
        trailer = reader.readline(HEAD_LIMIT)
        if not trailer:
            raise ProxyError("the connection ended inside a trailer")
        out.sendall(trailer)
        if trailer in (b"\r\n", b"\n"):
            return


def copy_body(
    reader: io.BufferedReader, out: socket.socket, fields: dict[str, str], *, to_end: bool
) -> bool:
    """Copy one message body as its head frames it; whether the connection may go on.

    to_end: a body with neither length nor chunks runs to the end of the connection (an
    answer's); otherwise there is none (a request's, or an answer that may have none).
    """
    if "chunked" in fields.get("transfer-encoding", "").lower():
        copy_chunked(reader, out)
    elif "content-length" in fields:
        copy_exact(reader, out, int(fields["content-length"]))
    elif to_end:
        while data := reader.read1(CHUNK):
            out.sendall(data)
        return False
    return "close" not in fields.get("connection", "").lower()


def pipe(reader: io.BufferedReader, out: socket.socket) -> None:
    """Copy until reader ends, then end out's writing side (half-close, as attach expects)."""
    with contextlib.suppress(OSError):
        while data := reader.read1(CHUNK):
            out.sendall(data)
    with contextlib.suppress(OSError):
        out.shutdown(socket.SHUT_WR)


def libpod(upstream: str, method: str, target: str) -> tuple[int, bytes]:
    """One request of this proxy's own to podman: its status and body (a wait has no bound:
    it lasts as long as the container runs)."""
    return unix_request(Path(upstream), method, target, timeout=None)


def podman_wait(upstream: str, container: str) -> dict[str, object]:
    """Wait for container through libpod's endpoint; Docker's answer (an exit code or error)."""
    conditions = "&".join(f"condition={state}" for state in NOT_RUNNING)
    target = f"/v4.0.0/libpod/containers/{container}/wait?{conditions}&interval={POLL}"
    status, body = libpod(upstream, "POST", target)
    answer = json.loads(body)
    if status == 200 and isinstance(answer, int):
        return {"StatusCode": answer, "Error": None}
    message = answer.get("message") if isinstance(answer, dict) else None
    return {"StatusCode": -1, "Error": {"Message": str(message or "podman's wait failed")}}


def answer_wait(client: socket.socket, upstream: str, container: str) -> None:
    """Answer a Docker wait as Docker's engine does: the head at once, the exit code at exit.

    A container podman does not know gets its answer (404) at once. Otherwise the head goes
    first (a client may wait for it before it starts the container); the body is chunked,
    since its length is known only when the container ends.
    """
    status, body = libpod(upstream, "GET", f"/v4.0.0/libpod/containers/{container}/exists")
    if status != 204:
        client.sendall(
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        return
    client.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    body = json.dumps(podman_wait(upstream, container)).encode() + b"\n"
    client.sendall(f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")


def is_plain_wait(start: bytes, fields: dict[str, str]) -> str | None:
    """The container of a bodiless wait for "not-running" (Docker's default), else None."""
    match = WAIT.fullmatch(start)
    if match is None or fields.get("content-length", "0") != "0" or "transfer-encoding" in fields:
        return None
    query = (match[2] or b"").decode("latin-1")
    conditions = [p.split("=", 1)[1] for p in query.split("&") if p.startswith("condition=")]
    if any(c not in ("", "not-running") for c in conditions):
        return None
    return match[1].decode()


def connect(upstream: str) -> tuple[socket.socket, io.BufferedReader]:
    """A connection to podman's socket, and a buffered reader on it."""
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(upstream)
    return conn, conn.makefile("rb")


def note(log: BinaryIO, began: float, start: bytes, outcome: str) -> None:
    """One line per request: when it began (monotonic), how long it took, its outcome."""
    line = f"{began:.3f} {time.monotonic() - began:7.3f}s {start.decode('latin-1')} -> {outcome}\n"
    log.write(line.encode())


def serve(client: socket.socket, upstream: str, log: BinaryIO) -> None:
    """Relay one client connection, request by request, to its own podman connection."""
    podman: tuple[socket.socket, io.BufferedReader] | None = None
    client_reader = client.makefile("rb")
    try:
        while (head := read_head(client_reader)) is not None:
            start = head.split(b"\r\n", 1)[0]
            began = time.monotonic()
            fields = header_fields(head)
            container = is_plain_wait(start, fields)
            if container is not None:
                answer_wait(client, upstream, container)
                note(log, began, start, "answered from libpod's wait")
                continue
            if podman is None:
                podman = connect(upstream)
            conn, conn_reader = podman
            conn.sendall(head)
            copy_body(client_reader, conn, fields, to_end=False)
            answer = read_head(conn_reader)
            if answer is None:
                return
            client.sendall(answer)
            code = int(answer.split(b" ", 2)[1])
            if code == 101:
                upward = threading.Thread(target=pipe, args=(client_reader, conn), daemon=True)
                upward.start()
                pipe(conn_reader, client)
                upward.join()
                note(log, began, start, "101, piped to the end")
                return
            no_body = start.startswith(b"HEAD ") or code in (204, 304) or code < 200
            more = no_body or copy_body(conn_reader, client, header_fields(answer), to_end=True)
            note(log, began, start, str(code))
            if not more:
                return
    except (ProxyError, OSError, ValueError) as exc:
        log.write(f"closed: {exc}\n".encode())
    finally:
        if podman is not None:
            podman[0].close()
        client.close()


def main(argv: list[str]) -> int:
    """Listen on argv[1] and relay to podman's socket argv[2] until stopped."""
    listen, upstream = argv[1], argv[2]
    log = sys.stdout.buffer
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(listen)
        Path(listen).chmod(0o600)
        server.listen(64)
        while True:
            client, _ = server.accept()
            threading.Thread(target=serve, args=(client, upstream, log), daemon=True).start()


class WaitProxy(Service):
    """This proxy, as a process beside the podman service: act talks to its socket."""

    name = "wait proxy"

    def __init__(self, directory: Path, upstream: Path) -> None:
        """Listen in directory, relay to podman's socket upstream."""
        super().__init__(directory / "wait-proxy.log")
        self.socket = directory / "docker.sock"
        self.upstream = upstream

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        """This file as a script, unbuffered (its log is read on failure)."""
        return [sys.executable, "-u", __file__, str(self.socket), str(self.upstream)], None

    def ready(self) -> bool:
        """The socket exists once the proxy listens."""
        return self.socket.exists()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
