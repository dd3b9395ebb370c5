"""The hostile-network catalogue: each attack run as a child process of the entrypoint.

Shared by ``make reliability`` (its "hostile network" table). Every attack is the
emulator misbehaving on purpose on one route (``github_emulator.hostile``), or, for
what needs a raw socket, a ``testkit.wire`` server answering like GitHub except there.
The action runs in its own process (``testkit.launch``, a shorter deadline) so that its
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

from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.hostile import (
    DeeplyNested,
    Drip,
    EndlessBody,
    ForeignNextLink,
    GzipBomb,
    HtmlOk,
    ListForObject,
    LoopingNextLink,
    Misbehaviour,
    MissingKeyId,
    NullFields,
    Redirect,
    Reflect,
    Stall,
    UnknownVisibility,
    ZeroKey,
)

from . import wire
from .leaks import find_leaks
from .runner import Measured, run_measured, runner_env
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


Setup = Callable[[Emulator, Emulator], None]


@dataclass(frozen=True)
class Case:
    """One attack: the emulator misbehaving (``setup``, given it and a foreign emulator on
    another port), or for what needs a raw socket a ``testkit.wire`` server whose
    ``wire_routes`` replace some of its GitHub-like answers."""

    name: str
    setup: Setup | None = None
    wire_routes: Callable[[WireServer], Mapping[str, Route]] | None = None
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


def _answer(body: bytes) -> Route:
    return wire.answer(200, body)


def _header_flood(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-Flood: 1\r\n" * 100_000)


def _reflect(conn: socket.socket, request: Request) -> None:
    body = request.body.decode("utf-8", "replace")
    said = f"{request.headers.get('authorization', '')} {body} {VALUE} [x](https://e.example)"
    wire.answer(422, {"message": said, "errors": [{"message": VALUE}]})(conn, request)


KEY = "/orgs/*/codespaces/secrets/public-key"
LIST = "/orgs/*/codespaces/secrets"
PUT = "/orgs/*/codespaces/secrets/*"
MANY = 1000  # misbehave on every matching request of the run


def on(method: str, glob: str, mode: Misbehaviour, times: int = MANY) -> Setup:
    """Misbehave with ``mode`` on ``method glob`` (the emulator's own modes)."""

    def setup(emu: Emulator, foreign: Emulator) -> None:
        emu.misbehave(method, glob, mode, times=times)

    return setup


def _foreign(method: str, glob: str, make: Callable[[str], Misbehaviour]) -> Setup:
    """Misbehave with a mode pointing at the foreign emulator's URL."""

    def setup(emu: Emulator, foreign: Emulator) -> None:
        emu.misbehave(method, glob, make(foreign.url), times=MANY)

    return setup


def _within(method: str, glob: str, make: Callable[[str], Misbehaviour]) -> Setup:
    """Misbehave with a mode pointing back into the API itself."""

    def setup(emu: Emulator, foreign: Emulator) -> None:
        emu.misbehave(method, glob, make(emu.url), times=MANY)

    return setup


def _unknown_visibility(emu: Emulator, foreign: Emulator) -> None:
    emu.set_secret("octo-org", "ATTACKED", "old")  # a listing with a visibility to spoil
    emu.misbehave("GET", LIST, UnknownVisibility(), times=MANY)


CASES: tuple[Case, ...] = (
    Case("baseline: no attack"),
    Case("no answer at all", on("GET", KEY, Stall())),
    Case("TLS handshake never answered", wire_routes=lambda s: {"key": wire.stall(s.stopped)}),
    Case("headers dripped, a byte / 50 ms", on("GET", KEY, Drip(0.05, "headers"))),
    Case("body dripped, a byte / 50 ms", on("GET", KEY, Drip(0.05, "body"))),
    Case("TLS body dripped, a byte / 50 ms", on("GET", KEY, Drip(0.05, "body")), tls=True),
    Case("header lines without end", wire_routes=lambda s: {"key": _header_flood}),
    Case("endless body (chunked)", on("GET", LIST, EndlessBody())),
    Case("endless body (until close)", on("GET", KEY, EndlessBody(framing="close"))),
    Case("gzip bomb: 1 MB -> 1 GiB", on("GET", KEY, GzipBomb(1 << 30))),
    Case("gzip, gzip bomb", on("GET", KEY, GzipBomb(256 << 20, layers=2))),
    Case("next link to the same page", on("GET", LIST, LoopingNextLink())),
    Case("next links without end", _within("GET", LIST, lambda url: ForeignNextLink(to=url))),
    Case("next link to another port", _foreign("GET", LIST, lambda url: ForeignNextLink(to=url))),
    Case("read redirected to another port", _foreign("GET", KEY, lambda url: Redirect(302, url))),
    Case("write redirected (307)", on("PUT", PUT, Redirect(307))),
    Case("key: all zeros", on("GET", KEY, ZeroKey())),
    Case("key: no key_id", on("GET", KEY, MissingKeyId())),
    Case("key: null fields", on("GET", KEY, NullFields())),
    Case("key: a list for the object", on("GET", KEY, ListForObject())),
    Case("key: HTML with 200", on("GET", KEY, HtmlOk())),
    Case("key: JSON nested deep", on("GET", KEY, DeeplyNested())),
    Case("listing: unknown visibility", _unknown_visibility),
    Case("listing: 4 MiB of empty objects", wire_routes=lambda s: {"list": _answer(OBJECTS)}),
    Case("error text reflects token and body", on("PUT", PUT, Reflect(echo="both"))),
    Case("error text reflects the value", wire_routes=lambda s: {"put": _reflect}),
)


def run_case(case: Case, workdir: Path) -> Outcome:
    """Run the action once against ``case``; measure and check it."""
    outcome = Outcome(case.name, bound_seconds=WAIT_LIMIT + REQUESTS * DEADLINE + START_UP)
    if case.wire_routes is not None:
        with WireServer(wire.answer(404, {})) as server:
            server.attack = github_like(case.wire_routes(server))
            tls = case.name.startswith("TLS handshake")
            url = server.url.replace("http://", "https://") if tls else server.url
            measured = _launch(workdir, url, TOKEN, {})
            sent = [_ciphertext(r.body) for r in server.requests if r.method == "PUT"]
            outcome.leaks = find_leaks(measured.run, [VALUE, TOKEN], ciphertexts=sent)
    else:
        with Emulator(tls=case.tls) as emu, Emulator() as foreign:
            if case.setup is not None:
                case.setup(emu, foreign)
            extra = {"REQUESTS_CA_BUNDLE": emu.ca_file} if case.tls and emu.ca_file else {}
            measured = _launch(workdir, emu.url, ADMIN_TOKEN, extra)
            sent = [_ciphertext(r.body) for r in emu.requests if r.method == "PUT"]
            outcome.leaks = find_leaks(measured.run, [VALUE, ADMIN_TOKEN], ciphertexts=sent)
            outcome.leaks += [f"a request reached another port: {r.path}" for r in foreign.requests]
    run = measured.run
    outcome.exit_code = run.exit_code
    outcome.seconds = measured.seconds
    outcome.max_rss_mib = measured.max_rss_mib
    outcome.tracebacks = int("Traceback" in run.log or run.exit_code not in (0, 1))
    outcome.error = " | ".join(run.commands("error"))[:300]
    return outcome


def _launch(workdir: Path, url: str, token: str, extra: Mapping[str, str]) -> Measured:
    inputs = {
        "token": token,
        "org": "octo-org",
        "name": "ATTACKED",
        "value": VALUE,
        "api-url": url,
        "retry-wait-limit": str(WAIT_LIMIT),
    }
    env = runner_env(workdir, inputs, {"PYTHONUTF8": "1", **extra})
    argv = [sys.executable, "-m", "testkit.launch", "--deadline", str(DEADLINE)]
    return run_measured(env, argv, timeout=120)


def _ciphertext(body: object) -> str:
    """The ciphertext a PUT carried (its body as bytes or as parsed JSON)."""
    try:
        found = json.loads(body) if isinstance(body, bytes) else body
    except ValueError:
        return ""
    return str(found.get("encrypted_value", "")) if isinstance(found, dict) else ""


def run_all(workdir: Path, workers: int = 4) -> list[Outcome]:
    """Every attack in ``CASES``, a few at a time (each in its own process)."""
    with ThreadPoolExecutor(workers) as pool:
        futures = [
            pool.submit(run_case, case, workdir / f"attack{index}")
            for index, case in enumerate(CASES)
        ]
        return [future.result() for future in futures]
