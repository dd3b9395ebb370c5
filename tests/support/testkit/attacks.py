"""The hostile-network catalogue: each attack run as a child process of the entrypoint.

Shared by ``make reliability`` (its "hostile network" table). Every attack is the
emulator misbehaving on purpose on one route (``github_emulator.hostile``), or, for
what needs a raw socket, a ``testkit.wire`` server answering like GitHub except there.
The action runs in its own process (``testkit.launch``, a shorter deadline) so that its
wall time and peak RSS are its own. Each run is checked: bounded in time, no secret
shown anywhere, not even a 12-character fragment of one (``find_leaks``, with the
ciphertexts the server received), no control or invisible format character shown, no
request to a foreign server or outside the API root (the token would have gone with it),
no text the attack marks as never to be shown, no traceback.
"""

from __future__ import annotations

import json
import posixpath
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

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
from .leaks import find_leaks, shown_text
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
CUT = 500  # characters of server text the action quotes (seam.MESSAGE_CAP)
# Longer than the cut, so that it can straddle it; several lines, each masked on its own.
LONG_VALUE = "\n".join(f"long attack value, line {i:02d}: " + "v" * 40 for i in range(12))

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
    value: str = VALUE
    api_path: str = ""  # the API root's path on the wire server (GHES: /api/v3)
    never_shown: tuple[str, ...] = ()  # text the attack sends that must not be shown
    # A signal sent that long into the run, to a batch of four secrets whose third write
    # stalls; the report must hold the two answered writes, the third as unknown.
    signal_after: tuple[float, int] | None = None


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


SIGNALLED = ("A", "B", "C", "D")  # the batch of a signalled run; C's write stalls
SIGNALLED_REPORT = [("A", "created"), ("B", "created"), ("C", "unknown"), ("D", "failed")]


def third_write_stalls(server: WireServer) -> Mapping[str, Route]:
    """Routes for ``github_like``: every PUT is created, except secret C's, which stalls."""
    stalled, created = wire.stall(server.stopped), wire.answer(201, {})

    def put(conn: socket.socket, request: Request) -> None:
        (stalled if request.path.split("?")[0].endswith("/C") else created)(conn, request)

    return {"put": put}


def _header_flood(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-Flood: 1\r\n" * 100_000)


def _reflect(conn: socket.socket, request: Request) -> None:
    body = request.body.decode("utf-8", "replace")
    said = f"{request.headers.get('authorization', '')} {body} {VALUE} [x](https://e.example)"
    wire.answer(422, {"message": said, "errors": [{"message": VALUE}]})(conn, request)


def _sent(request: Request) -> dict[str, str]:
    """What a write carried that a server could quote back: its token and ciphertext."""
    return {
        "token": request.headers.get("authorization", "").removeprefix("Bearer "),
        "ciphertext": _ciphertext(request.body),
    }


def _straddle(piece: str) -> Route:
    """A 422 to the write whose message and error put ``piece`` across the cut: the token,
    the ciphertext sent, the value or one of its lines (``LONG_VALUE``)."""

    def route(conn: socket.socket, request: Request) -> None:
        lines = LONG_VALUE.splitlines()
        known = {**_sent(request), "value": LONG_VALUE, "line": lines[len(lines) // 2]}[piece]
        pad = "p" * (CUT - len(known) * 2 // 5)  # the cut falls 2/5 into it, mid-line
        message = f"{pad}{known} and more text after it " + "q" * 300
        wire.answer(422, {"message": message, "errors": [{"message": pad + known}]})(conn, request)

    return route


def _straddling(piece: str) -> Callable[[WireServer], Mapping[str, Route]]:
    """The routes of a case whose write is answered by ``_straddle(piece)``."""
    return lambda server: {"put": _straddle(piece)}


def _own_cut(conn: socket.socket, request: Request) -> None:
    """A 422 whose message ends inside the token and whose errors end inside the ciphertext
    and the value, as a server that cut its own text would send them."""
    sent = _sent(request)
    errors = [
        {"field": "encrypted_value", "code": "invalid", "message": sent["ciphertext"][:200]},
        {"message": "the value " + LONG_VALUE[:300]},
    ]
    body = {"message": "Bad credentials: " + sent["token"][:30], "errors": errors}
    wire.answer(422, body)(conn, request)


def _key_id(key_id: str) -> Route:
    return wire.answer(200, {"key_id": key_id, "key": wire.KEY})


EVIL = "evil.example"
SCOPE_HEADERS = {
    "X-OAuth-Scopes": f"repo, https://{EVIL}/phish, <b>x</b>, " + "w" * 20_000,
    "X-Accepted-OAuth-Scopes": f"https://{EVIL}/accept, admin:org",
    "X-Accepted-GitHub-Permissions": f"https://{EVIL}/p=write; " + "z=read;" * 3000,
}
CONTROLS = "\x1b[2J\x1b]0;owned\x07 \u202etxt.exe\u202c \x9b31m \u2066x\u2069 \ufeff \r\x08"

LINK_CONTROLS = "\x1b[31m\u202etxt\x07\x9b\u2066"  # no ";" or ",": the Link stays one link


def _on_the_wire(text: str) -> str:
    """Header text as the wire carries it: UTF-8 bytes, which HTTP reads as Latin-1, and
    no CR or LF (they would end the header line)."""
    return text.replace("\r", "").replace("\n", "").encode().decode("latin-1")


def _controls_refusal() -> Route:
    """A 403 whose message, errors and SSO header hold terminal and bidi controls."""
    sso = _on_the_wire(f"required; url=https://github.com/orgs/octo-org/sso{CONTROLS}")
    body = {"message": f"Forbidden {CONTROLS}", "errors": [{"message": CONTROLS}]}
    return wire.answer(403, body, {"X-OAuth-Scopes": "repo", "X-GitHub-SSO": sso})


def _next_link(target: str) -> Route:
    """An empty listing whose next-page link is ``target`` (sent as given)."""
    link = _on_the_wire(f'<{target}>; rel="next"')
    return wire.answer(200, {"total_count": 0, "secrets": []}, {"Link": link})


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
    Case("token across the cut", wire_routes=_straddling("token"), value=LONG_VALUE),
    Case("ciphertext across the cut", wire_routes=_straddling("ciphertext"), value=LONG_VALUE),
    Case("value across the cut", wire_routes=_straddling("value"), value=LONG_VALUE),
    Case("a value's line across the cut", wire_routes=_straddling("line"), value=LONG_VALUE),
    Case(
        "server's own cut inside token, value",
        wire_routes=lambda s: {"put": _own_cut},
        value=LONG_VALUE,
    ),
    Case(
        "key_id: a line break and a command",
        wire_routes=lambda s: {"key": _key_id("1\n::warning::injected")},
        never_shown=("injected",),
    ),
    Case(
        "key_id: 20 KB",
        wire_routes=lambda s: {"key": _key_id("k" * 20_000)},
        never_shown=("k" * 65,),
    ),
    Case(
        "scope headers: URLs and 20 KB",
        wire_routes=lambda s: {"key": wire.answer(403, {"message": "Forbidden"}, SCOPE_HEADERS)},
        never_shown=(EVIL, "w" * 65, "<b>"),
    ),
    Case(
        "control bytes in error text, headers", wire_routes=lambda s: {"key": _controls_refusal()}
    ),
    Case(
        "control bytes in a next link",
        wire_routes=lambda s: {
            "list": _next_link(f"{s.url}/orgs/octo-org/codespaces/secrets?page=2{LINK_CONTROLS}")
        },
    ),
    Case(
        "next link: /api/v3/../v3-other/",
        wire_routes=lambda s: {
            "list": _next_link(f"{s.url}/api/v3/../v3-other/orgs/octo-org/codespaces/secrets")
        },
        api_path="/api/v3",
    ),
    Case(
        "SIGTERM with a write in flight",
        wire_routes=third_write_stalls,
        signal_after=(1.5, signal.SIGTERM),
    ),
    Case(
        "next link: /api/v3/%2e%2e/v3-other/",
        wire_routes=lambda s: {
            "list": _next_link(f"{s.url}/api/v3/%2e%2e/v3-other/orgs/octo-org/codespaces/secrets")
        },
        api_path="/api/v3",
    ),
)


def run_case(case: Case, workdir: Path) -> Outcome:
    """Run the action once against ``case``; measure and check it."""
    outcome = Outcome(case.name, bound_seconds=WAIT_LIMIT + REQUESTS * DEADLINE + START_UP)
    if case.wire_routes is not None:
        with WireServer(wire.answer(404, {})) as server:
            server.attack = github_like(case.wire_routes(server))
            tls = case.name.startswith("TLS handshake")
            url = server.url.replace("http://", "https://") if tls else server.url
            measured = _launch(workdir, url + case.api_path, TOKEN, case, {})
            sent = [_ciphertext(r.body) for r in server.requests if r.method == "PUT"]
            outcome.leaks = _leaks(case, measured, TOKEN, sent)
            outcome.leaks += [
                f"a request left the API root: {r.path[:60]!r}"
                for r in server.requests
                if not _under(r.path, case.api_path)
            ]
    else:
        with Emulator(tls=case.tls) as emu, Emulator() as foreign:
            if case.setup is not None:
                case.setup(emu, foreign)
            extra = {"REQUESTS_CA_BUNDLE": emu.ca_file} if case.tls and emu.ca_file else {}
            measured = _launch(workdir, emu.url, ADMIN_TOKEN, case, extra)
            sent = [_ciphertext(r.body) for r in emu.requests if r.method == "PUT"]
            outcome.leaks = _leaks(case, measured, ADMIN_TOKEN, sent)
            outcome.leaks += [f"a request reached another port: {r.path}" for r in foreign.requests]
    run = measured.run
    outcome.exit_code = run.exit_code
    outcome.seconds = measured.seconds
    outcome.max_rss_mib = measured.max_rss_mib
    ends = (128 + case.signal_after[1],) if case.signal_after else (0, 1)
    outcome.tracebacks = int("Traceback" in run.log or run.exit_code not in ends)
    outcome.error = " | ".join(run.commands("error"))[:300]
    if case.signal_after is not None:
        reported = [(r.get("name"), r.get("status")) for r in run.results]
        if reported != SIGNALLED_REPORT or run.outputs.get("status") != "failed":
            outcome.leaks.append(f"the report lost track of a write: {reported}")
    return outcome


def _leaks(case: Case, measured: Measured, token: str, sent: list[str]) -> list[str]:
    """Secrets, 12-character fragments, ciphertexts, marked text and controls shown."""
    values = [case.value + name for name in SIGNALLED] if case.signal_after else [case.value]
    secrets = [*values, *(line for v in values for line in v.splitlines()), token, *sent]
    run = measured.run
    found = find_leaks(run, [*values, token], ciphertexts=sent, fragments_of=secrets)
    shown = shown_text(run)
    found += [f"shown: {text[:20]!r}" for text in case.never_shown if text in shown]
    controls = sorted({f"U+{ord(c):04X}" for c in shown if _control(c)})
    found += [f"control character shown: {', '.join(controls)}"] if controls else []
    return found


def _control(char: str) -> bool:
    """A character that acts on a terminal or hides text (line ends and tabs are text)."""
    return char not in "\n\t\r\u200b" and not char.isprintable() and char != " "


def _under(path: str, root: str) -> bool:
    """Whether a request's path, read as a server would, is under the API root's path.

    Its own reading (``posixpath``), not the product's ``apiroot.normal_path``: a checker
    sharing the product's rule could not catch a fault in it.
    """
    normal = posixpath.normpath(unquote(path.split("?", maxsplit=1)[0]))
    return not root or normal.startswith(root + "/")


def _launch(workdir: Path, url: str, token: str, case: Case, extra: Mapping[str, str]) -> Measured:
    inputs = {
        "token": token,
        "org": "octo-org",
        "name": "ATTACKED",
        "value": case.value,
        "api-url": url,
        "retry-wait-limit": str(WAIT_LIMIT),
    }
    if case.signal_after is not None:
        del inputs["name"], inputs["value"]
        inputs["secrets"] = json.dumps({name: case.value + name for name in SIGNALLED})
    # Debug logging on: the debug lines name URLs the server chose (next links).
    env = runner_env(workdir, inputs, {"PYTHONUTF8": "1", "RUNNER_DEBUG": "1", **extra})
    argv = [sys.executable, "-m", "testkit.launch", "--deadline", str(DEADLINE)]
    return run_measured(env, argv, timeout=120, signal_after=case.signal_after)


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
