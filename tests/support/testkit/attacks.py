"""The hostile-network catalogue: each attack run as a child process of the entrypoint.

Shared by ``make reliability`` (its "hostile network" table). Every attack is a server
on 127.0.0.1 that answers like GitHub except on one route, where it misbehaves; the
action runs in its own process (``testkit.launch``, a shorter deadline) so that its
wall time and peak RSS are its own. Each run is checked: bounded in time, no secret
shown anywhere (``find_leaks``, with the ciphertexts the server received), no request
to a foreign server (the token would have gone with it), no traceback.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import wire
from .leaks import find_leaks
from .runner import run_measured, runner_env
from .wire import Request, WireServer

TOKEN = "ghp_attackToken0000000000000000000000"
VALUE = "attack-value-canary\nsecond line of it"
DEADLINE = 2.0  # seconds per attempt in these runs (the product's default is 30)
WAIT_LIMIT = 3  # retry-wait-limit of these runs, seconds
REQUESTS = 4  # requests one run makes at most: key, listing, write, and a spare
START_UP = 3.0  # process start and imports, generously
ZERO_KEY = "A" * 43 + "="  # 32 zero bytes
# Just under the 4 MiB cap and the costliest JSON to parse: 1.4 million dicts.
OBJECTS = b'{"secrets": [' + b"{}," * 1_398_000 + b"{}]}"

Route = Callable[[socket.socket, Request], None]


@dataclass(frozen=True)
class Case:
    """One attack: which route misbehaves, and how (given the server and a foreign one)."""

    name: str
    make: Callable[[WireServer, WireServer], Mapping[str, Route]]
    tls: bool = False


@dataclass
class Outcome:
    """What one attack did to the action."""

    name: str
    exit_code: int = 0
    seconds: float = 0.0
    max_rss_mib: float = 0.0
    bound_seconds: float = 0.0
    leaks: list[str] = field(default_factory=list)
    tracebacks: int = 0
    error: str = ""

    @property
    def bounded(self) -> bool:
        """Whether the run ended within its bound."""
        return self.exit_code >= 0 and self.seconds <= self.bound_seconds


def github_like(routes: Mapping[str, Route]) -> Route:
    """Answers like GitHub (key, empty listing, created) except on the ``routes`` given.

    Route names: ``key``, ``list``, ``put``, ``other``.
    """
    normal: dict[str, Route] = {
        "key": wire.key_answer(),
        "list": wire.answer(200, {"total_count": 0, "secrets": []}),
        "put": wire.answer(201, {}),
        "other": wire.answer(404, {"message": "Not Found"}),
    }
    normal.update(routes)

    def route(conn: socket.socket, request: Request) -> None:
        path = request.path.split("?")[0]
        if path.endswith("/public-key"):
            name = "key"
        elif request.method == "GET" and path.endswith("/secrets"):
            name = "list"
        elif request.method == "PUT":
            name = "put"
        else:
            name = "other"
        normal[name](conn, request)

    return route


def _link_to(url: str) -> Route:
    return wire.answer(200, {"total_count": 0, "secrets": []}, {"Link": f'<{url}>; rel="next"'})


def _pages(server: WireServer) -> Route:
    count = iter(range(2, 1_000_000))

    def route(conn: socket.socket, request: Request) -> None:
        path = request.path.split("?")[0]
        _link_to(f"{server.url}{path}?page={next(count)}")(conn, request)

    return route


def _self_link(server: WireServer) -> Route:
    def route(conn: socket.socket, request: Request) -> None:
        _link_to(f"{server.url}{request.path}")(conn, request)

    return route


def _header_flood(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-Flood: 1\r\n" * 100_000)


def _reflect(conn: socket.socket, request: Request) -> None:
    body = request.body.decode("utf-8", "replace")
    said = f"{request.headers.get('authorization', '')} {body} {VALUE} [x](https://e.example)"
    wire.answer(422, {"message": said, "errors": [{"message": VALUE}]})(conn, request)


CASES: tuple[Case, ...] = (
    Case("baseline: no attack", lambda s, f: {}),
    Case("no answer at all", lambda s, f: {"key": wire.stall(s.stopped)}),
    Case("TLS handshake never answered", lambda s, f: {"key": wire.stall(s.stopped)}, tls=True),
    Case("headers dripped, a byte / 50 ms", lambda s, f: {"key": wire.drip_headers(s.stopped)}),
    Case("body dripped, a byte / 50 ms", lambda s, f: {"put": wire.drip_body(s.stopped)}),
    Case("header lines without end", lambda s, f: {"key": _header_flood}),
    Case("endless body", lambda s, f: {"list": wire.endless_body(s.stopped)}),
    Case("gzip bomb: 1 MB -> 1 GiB", lambda s, f: {"key": wire.gzip_bomb(1 << 30)}),
    Case("gzip, gzip bomb", lambda s, f: {"key": wire.gzip_bomb(64 << 20, "gzip, gzip")}),
    Case("next link to the same page", lambda s, f: {"list": _self_link(s)}),
    Case("next links without end", lambda s, f: {"list": _pages(s)}),
    Case("next link to another port", lambda s, f: {"list": _link_to(f"{f.url}/orgs")}),
    Case(
        "read redirected to another port",
        lambda s, f: {"key": wire.answer(302, {}, {"Location": f"{f.url}/k"})},
    ),
    Case(
        "write redirected (307)",
        lambda s, f: {"put": wire.answer(307, {}, {"Location": f"{s.url}/orgs/o/x"})},
    ),
    Case("key all zeros", lambda s, f: {"key": wire.answer(200, {"key_id": "1", "key": ZERO_KEY})}),
    Case("key answer is a list", lambda s, f: {"key": wire.answer(200, [1, 2])}),
    Case("HTML with 200", lambda s, f: {"key": wire.answer(200, b"<html>hi</html>")}),
    Case("JSON nested 100,000 deep", lambda s, f: {"key": wire.answer(200, b"[" * 100_000)}),
    Case("4 MiB listing of empty objects", lambda s, f: {"list": wire.answer(200, OBJECTS)}),
    Case("error text reflects token, body, value", lambda s, f: {"put": _reflect}),
)


def run_case(case: Case, workdir: Path) -> Outcome:
    """Run the action once against ``case``; measure and check it."""
    outcome = Outcome(case.name, bound_seconds=WAIT_LIMIT + REQUESTS * DEADLINE + START_UP)
    with WireServer(wire.answer(404, {})) as foreign, WireServer(wire.answer(404, {})) as server:
        server.attack = github_like(case.make(server, foreign))
        url = server.url.replace("http://", "https://") if case.tls else server.url
        inputs = {
            "token": TOKEN,
            "org": "octo-org",
            "name": "ATTACKED",
            "value": VALUE,
            "api-url": url,
            "retry-wait-limit": str(WAIT_LIMIT),
        }
        env = runner_env(workdir, inputs, {"PYTHONUTF8": "1"})
        argv = [sys.executable, "-m", "testkit.launch", "--deadline", str(DEADLINE)]
        measured = run_measured(env, argv, timeout=120)
        sent = [r for r in server.requests if r.method == "PUT"]
        ciphertexts = [_ciphertext(r) for r in sent]
        outcome.leaks = find_leaks(measured.run, [VALUE, TOKEN], ciphertexts=ciphertexts)
        outcome.leaks += [f"a request reached another port: {r.path}" for r in foreign.requests]
    run = measured.run
    outcome.exit_code = run.exit_code
    outcome.seconds = measured.seconds
    outcome.max_rss_mib = measured.max_rss_mib
    outcome.tracebacks = int("Traceback" in run.log or run.exit_code not in (0, 1))
    outcome.error = " | ".join(run.commands("error"))[:300]
    return outcome


def _ciphertext(request: Request) -> str:
    try:
        return str(json.loads(request.body).get("encrypted_value", ""))
    except (ValueError, AttributeError):
        return ""


def run_all(workdir: Path, workers: int = 4) -> list[Outcome]:
    """Every attack in ``CASES``, a few at a time (each in its own process)."""
    wire.bomb(1 << 30)  # compressed once, up front: the attack must not start late
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(run_case, case, workdir / f"attack{index}")
            for index, case in enumerate(CASES)
        ]
        return [future.result() for future in futures]
