"""release-test's proxy in front of podman's socket (scripts/container/waitproxy.py).

The proxy runs as release-test runs it (its own process on a unix socket); a small HTTP/1.1
server on another unix socket plays podman. Every request must reach it byte for byte,
framed right on a kept-alive connection, but a Docker wait for "not-running", which must be
answered from libpod's wait in Docker's shape.
"""

from __future__ import annotations

import json
import socket
import socketserver
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from testkit import ROOT

sys.path.insert(0, str(ROOT / "scripts" / "container"))
from containerlib import UnixHTTP
from waitproxy import WaitProxy


class Podman(BaseHTTPRequestHandler):
    """Plays podman: echoes bodies, answers libpod waits, upgrades attach to a raw echo."""

    protocol_version = "HTTP/1.1"
    seen: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def body(self) -> bytes:
        """The request body, by Content-Length or chunks."""
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            data = b""
            while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                data += self.rfile.read(size + 2)[:size]
            self.rfile.readline()
            return data
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def reply(self, code: int, body: bytes, *, chunked: bool = False) -> None:
        """An answer, with a length or in two chunks."""
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            half = len(body) // 2
            for part in (body[:half], body[half:]):
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self) -> None:
        """libpod's exists: every container but "gone" and "vanished" exists."""
        self.seen.append(f"GET {self.path}")
        if self.path.startswith("/v4.0.0/libpod/containers/gone/"):
            self.reply(404, b'{"cause":"no such container","message":"no container gone"}')
        else:
            self.send_response(204)
            self.end_headers()

    def do_HEAD(self) -> None:
        """/_ping: a length, no body."""
        self.seen.append(f"HEAD {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()

    def do_PUT(self) -> None:
        """Echo the body back, chunked."""
        self.seen.append(f"PUT {self.path}")
        self.reply(200, b"echo:" + self.body(), chunked=True)

    def do_POST(self) -> None:
        """libpod's wait, a Docker wait passed through, or attach (101, then a raw echo)."""
        self.seen.append(f"POST {self.path}")
        self.body()
        if self.path.startswith("/v4.0.0/libpod/containers/vanished/"):
            self.reply(500, b'{"cause":"no such container","message":"it vanished"}')
        elif self.path.startswith("/v4.0.0/libpod/containers/"):
            self.reply(200, b"3\n")
        elif self.path.endswith("/attach"):
            self.send_response(101, "UPGRADED")
            self.send_header("Content-Type", "application/vnd.docker.raw-stream")
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "tcp")
            self.end_headers()
            self.wfile.flush()
            while data := self.rfile.read1(4096):
                self.wfile.write(data.upper())
                self.wfile.flush()
            self.wfile.write(b"bye")
            self.close_connection = True
        else:
            self.reply(200, b'{"passed through": true}')


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Podman's stand-in on a unix socket."""

    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, Any]:
        """A unix socket has no peer address: give the handler a printable one."""
        conn, _ = self.socket.accept()
        return conn, ("podman", 0)


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """The proxy's socket, and the request lines podman's stand-in received."""
    seen: list[str] = []
    handler = type("Recording", (Podman,), {"seen": seen})
    upstream = tmp_path / "podman.sock"
    with UnixServer(str(upstream), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with WaitProxy(tmp_path, upstream) as running:
            yield running.socket, seen
        server.shutdown()


def test_requests_pass_through_framed_on_one_kept_alive_connection(
    proxy: tuple[Path, list[str]],
) -> None:
    sock, seen = proxy
    docker = UnixHTTP(sock, timeout=10)
    docker.request("HEAD", "/_ping")
    ping = docker.getresponse()
    assert (ping.status, ping.read()) == (200, b"")
    docker.request("PUT", "/v1.41/containers/c1/archive?path=%2F", body=b"x" * 100_000)
    assert docker.getresponse().read() == b"echo:" + b"x" * 100_000
    docker.request("PUT", "/v1.41/containers/c1/archive", body=iter([b"ab", b"cd"]),
                   encode_chunked=True)  # fmt: skip
    assert docker.getresponse().read() == b"echo:abcd"
    docker.request("POST", "/v1.41/containers/c1/wait?condition=next-exit")
    assert json.loads(docker.getresponse().read()) == {"passed through": True}
    docker.close()
    assert seen == [
        "HEAD /_ping",
        "PUT /v1.41/containers/c1/archive?path=%2F",
        "PUT /v1.41/containers/c1/archive",
        "POST /v1.41/containers/c1/wait?condition=next-exit",
    ]


def test_a_not_running_wait_is_answered_from_libpods_wait_in_dockers_shape(
    proxy: tuple[Path, list[str]],
) -> None:
    sock, seen = proxy
    docker = UnixHTTP(sock, timeout=10)
    docker.request("POST", "/v1.41/containers/c2/wait?condition=not-running")
    answer = docker.getresponse()
    assert answer.status == 200
    assert json.loads(answer.read()) == {"StatusCode": 3, "Error": None}
    docker.request("POST", "/containers/gone/wait")
    gone = docker.getresponse()
    assert gone.status == 404
    assert json.loads(gone.read())["message"] == "no container gone"
    docker.request("POST", "/containers/vanished/wait")
    vanished = json.loads(docker.getresponse().read())
    assert vanished == {"StatusCode": -1, "Error": {"Message": "it vanished"}}
    docker.close()
    assert [line.split("?")[0] for line in seen] == [
        "GET /v4.0.0/libpod/containers/c2/exists",
        "POST /v4.0.0/libpod/containers/c2/wait",
        "GET /v4.0.0/libpod/containers/gone/exists",
        "GET /v4.0.0/libpod/containers/vanished/exists",
        "POST /v4.0.0/libpod/containers/vanished/wait",
    ]
    query = seen[1].split("?")[1].split("&")
    assert sorted(query) == [
        "condition=created", "condition=exited", "condition=stopped", "interval=10ms",
    ]  # fmt: skip


def test_an_upgraded_connection_becomes_a_two_way_pipe(proxy: tuple[Path, list[str]]) -> None:
    sock, _ = proxy
    with socket.socket(socket.AF_UNIX) as conn:
        conn.settimeout(10)
        conn.connect(str(sock))
        conn.sendall(
            b"POST /v1.41/containers/c3/attach HTTP/1.1\r\nHost: d\r\n"
            b"Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"
        )
        reader = conn.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.1 101")
        while reader.readline() not in (b"\r\n", b""):
            pass
        conn.sendall(b"stdin bytes")
        conn.shutdown(socket.SHUT_WR)
        assert reader.read() == b"STDIN BYTESbye"
