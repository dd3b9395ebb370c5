"""The emulator misbehaves on purpose, over a real socket, and stops misbehaving when closed.

Each test reads the answer with the bluntest client that can see the misbehaviour (a raw
socket, http.client, or requests without following anything), so what is checked is the
emulator's behaviour, not some client's reaction to it. Every wait is bounded.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from typing import Literal
from urllib.parse import urlsplit

import pytest
import requests

from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.hostile import (
    MODES,
    DeeplyNested,
    Drip,
    EndlessBody,
    ForeignNextLink,
    GzipBomb,
    HtmlOk,
    ListForObject,
    LoopingNextLink,
    MissingKeyId,
    NullFields,
    Redirect,
    Reflect,
    Stall,
    UnknownVisibility,
    ZeroKey,
)

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
SECRETS = "/orgs/octo-org/codespaces/secrets"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(params=[False, True], ids=["http", "https"])
def any_emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A seeded emulator over plain HTTP and over HTTPS."""
    with Emulator(tls=request.param) as emu:
        yield emu


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(prefix="/api/v3") as emu:
        yield emu


def connect(emu: Emulator, timeout: float = 2.0) -> socket.socket:
    """A raw connection to the emulator (TLS verified with its CA when it serves HTTPS)."""
    parts = urlsplit(emu.url)
    assert parts.hostname is not None
    assert parts.port is not None
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    if emu.ca_file is None:
        return sock
    context = ssl.create_default_context(cafile=emu.ca_file)
    return context.wrap_socket(sock, server_hostname=parts.hostname)


def send(sock: socket.socket, emu: Emulator, method: str, path: str, body: bytes = b"") -> None:
    """One HTTP/1.1 request with the admin token."""
    target = urlsplit(emu.url).path + path
    head = (
        f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock.sendall(head.encode() + body)


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """The header block and whatever body bytes came with it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def stop_within(emu: Emulator, seconds: float) -> None:
    started = time.monotonic()
    emu.stop()
    assert time.monotonic() - started < seconds


def assert_closed_soon(sock: socket.socket) -> None:
    """The server side is gone: EOF or a reset, well before the socket's timeout."""
    sock.settimeout(2)
    try:
        while sock.recv(65536):
            pass
    except (ConnectionError, ssl.SSLError):
        pass


# -- on the wire -------------------------------------------------------------------------


def test_drip_in_the_body_sends_headers_then_one_byte_per_interval(any_emu: Emulator) -> None:
    any_emu.misbehave("GET", KEY, Drip(interval=0.3, where="body"))
    with connect(any_emu) as sock:
        send(sock, any_emu, "GET", KEY)
        head, early = read_head(sock)
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert b"content-length: " in head
        assert early == b""
        arrivals = []
        for _ in range(3):
            assert len(sock.recv(65536)) == 1
            arrivals.append(time.monotonic())
        assert all(later - earlier >= 0.2 for earlier, later in itertools.pairwise(arrivals))
        stop_within(any_emu, 1.0)
        assert_closed_soon(sock)


def test_drip_in_the_headers_starts_with_the_status_line(any_emu: Emulator) -> None:
    any_emu.misbehave("GET", KEY, Drip(interval=0.1, where="headers"))
    with connect(any_emu) as sock:
        send(sock, any_emu, "GET", KEY)
        started = time.monotonic()
        received = b"".join(sock.recv(65536) for _ in range(5))
        assert received == b"HTTP/"
        assert time.monotonic() - started >= 0.4
        stop_within(any_emu, 1.0)
        assert_closed_soon(sock)


def test_drip_delivers_the_real_answer_to_a_patient_client(any_emu: Emulator) -> None:
    any_emu.misbehave("GET", KEY, Drip(interval=0.0005, where="headers"))
    response = requests.get(any_emu.url + KEY, headers=AUTH, verify=any_emu.ca_file, timeout=10)
    assert response.status_code == 200
    assert set(response.json()) == {"key_id", "key"}


def test_stall_never_answers_until_the_emulator_stops(any_emu: Emulator) -> None:
    any_emu.misbehave("GET", KEY, Stall())
    with connect(any_emu, timeout=0.5) as sock:
        send(sock, any_emu, "GET", KEY)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        (recorded,) = any_emu.requests
        assert recorded.status is None
        stop_within(any_emu, 1.0)
        assert_closed_soon(sock)


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_endless_body_never_ends(any_emu: Emulator, framing: Literal["chunked", "close"]) -> None:
    any_emu.misbehave("GET", KEY, EndlessBody(framing=framing))
    with connect(any_emu) as sock:
        send(sock, any_emu, "GET", KEY)
        head, body = read_head(sock)
        assert head.startswith(b"HTTP/1.1 200 OK")
        assert b"content-length" not in head.lower()
        assert (b"transfer-encoding: chunked" in head.lower()) == (framing == "chunked")
        deadline = time.monotonic() + 5
        while len(body) < 8 * 1024 * 1024:
            assert time.monotonic() < deadline
            body += sock.recv(1 << 20)
        start = (
            b'd\r\n{"padding": "\r\n10000\r\nAAAA' if framing == "chunked" else b'{"padding": "AAAA'
        )
        assert body.startswith(start)
    # The client hung up; the emulator still serves others.
    response = requests.get(any_emu.url + KEY, headers=AUTH, verify=any_emu.ca_file, timeout=5)
    assert response.status_code == 200


def test_endless_body_to_a_client_that_stopped_reading_ends_at_stop(any_emu: Emulator) -> None:
    any_emu.misbehave("GET", KEY, EndlessBody())
    with connect(any_emu) as sock:
        send(sock, any_emu, "GET", KEY)
        read_head(sock)
        time.sleep(0.2)  # the server fills the socket buffers and blocks in send
        stop_within(any_emu, 2.0)


# -- compressed ---------------------------------------------------------------------------


def inflate_counting(data: bytes) -> tuple[int, bytes]:
    """Inflate a gzip stream in bounded pieces: total size and the last bytes."""
    inflater = zlib.decompressobj(31)
    total, tail = 0, b""
    pending = data
    while pending:
        piece = inflater.decompress(pending, 1 << 20)
        total += len(piece)
        tail = (tail + piece)[-4096:]
        pending = inflater.unconsumed_tail
    piece = inflater.flush()
    return total + len(piece), (tail + piece)[-4096:]


@pytest.mark.parametrize(("layers", "encoding"), [(1, "gzip"), (2, "gzip, gzip")])
def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(
    any_emu: Emulator, layers: int, encoding: str
) -> None:
    size = 64 * 1024 * 1024
    any_emu.misbehave("GET", KEY, GzipBomb(inflated_bytes=size, layers=layers))
    parts = urlsplit(any_emu.url)
    assert parts.hostname is not None
    connection: http.client.HTTPConnection
    if any_emu.ca_file is None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    else:
        context = ssl.create_default_context(cafile=any_emu.ca_file)
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=5, context=context
        )
    try:
        connection.request("GET", KEY, headers=AUTH)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert response.getheader("content-encoding") == encoding
    assert len(body) < size // 500
    if layers == 2:
        body = zlib.decompress(body, 31)
    total, tail = inflate_counting(body)
    assert total >= size
    # Whitespace and then the real answer: valid JSON for whoever inflates it all.
    assert set(json.loads(tail)) == {"key_id", "key"}


# -- links and redirects ------------------------------------------------------------------


def test_looping_next_link_points_at_the_same_page(emulator: Emulator) -> None:
    emulator.misbehave("GET", SECRETS, LoopingNextLink(), times=3)
    url = emulator.url + SECRETS + "?per_page=100&page=1"
    for _ in range(3):
        response = requests.get(url, headers=AUTH, timeout=5)
        assert response.status_code == 200
        assert response.links["next"]["url"] == url
    assert "link" not in requests.get(url, headers=AUTH, timeout=5).headers


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"], ids=["other-port", "other-host"])
def test_foreign_next_link_points_at_another_origin(emulator: Emulator, host: str) -> None:
    with Emulator() as other:
        foreign = other.url.replace("127.0.0.1", host)
        emulator.misbehave("GET", SECRETS, ForeignNextLink(to=foreign))
        response = requests.get(emulator.url + SECRETS + "?per_page=1", headers=AUTH, timeout=5)
        assert response.status_code == 200
        assert response.links["next"]["url"] == f"{foreign}{SECRETS}?per_page=1&page=2"
        assert other.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_redirect_to_the_same_origin_writes_nothing(
    emulator: Emulator, status: int, method: str
) -> None:
    path = f"{SECRETS}/REDIRECTED"
    emulator.misbehave(method, path, Redirect(status=status))
    body = {"visibility": "all"}
    response = requests.request(
        method, emulator.url + path, headers=AUTH, json=body, allow_redirects=False, timeout=5
    )
    assert response.status_code == status
    assert response.headers["location"] == emulator.url + path
    assert response.json()["url"] == emulator.url + path
    assert emulator.secret("octo-org", "REDIRECTED") is None
    # Used up: the same request now reaches the real handler.
    again = requests.request(method, emulator.url + path, headers=AUTH, json=body, timeout=5)
    assert again.status_code in (404, 422)


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_redirect_to_a_foreign_origin_names_it(emulator: Emulator, method: str) -> None:
    with Emulator() as other:
        emulator.misbehave(method, KEY + "*", Redirect(status=307, to=other.url))
        response = requests.request(
            method, emulator.url + KEY + "?x=1", headers=AUTH, allow_redirects=False, timeout=5
        )
        assert response.status_code == 307
        assert response.headers["location"] == f"{other.url}{KEY}?x=1"
        assert other.requests == []


def test_link_and_redirect_targets_must_be_absolute_urls() -> None:
    with pytest.raises(ValueError, match="absolute"):
        ForeignNextLink(to="/elsewhere")
    with pytest.raises(ValueError, match="absolute"):
        Redirect(to="ftp://127.0.0.1/")
    with pytest.raises(ValueError, match="one of"):
        Redirect(status=300)


# -- malformed documents ------------------------------------------------------------------


def get_key(emu: Emulator) -> requests.Response:
    return requests.get(emu.url + KEY, headers=AUTH, timeout=5)


def test_list_where_an_object_belongs(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, ListForObject())
    emulator.misbehave("GET", "/orgs/octo-org/repos", ListForObject())
    (key,) = get_key(emulator).json()
    assert set(key) == {"key_id", "key"}
    repos = requests.get(emulator.url + "/orgs/octo-org/repos", headers=AUTH, timeout=5).json()
    assert isinstance(repos, dict)
    assert isinstance(repos["items"], list)


def test_null_fields(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, NullFields())
    assert get_key(emulator).json() == {"key_id": None, "key": None}


def test_html_with_200(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, HtmlOk())
    response = get_key(emulator)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_missing_key_id(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, MissingKeyId())
    assert set(get_key(emulator).json()) == {"key"}


def test_all_zero_key(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, ZeroKey())
    body = get_key(emulator).json()
    assert base64.b64decode(body["key"]) == bytes(32)
    assert body["key_id"]


def test_deeply_nested_json(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, DeeplyNested(depth=50_000))
    response = get_key(emulator)
    assert response.status_code == 200
    assert response.content == b"[" * 50_000 + b"]" * 50_000
    with pytest.raises(RecursionError):
        json.loads(response.content)


def test_unknown_visibility(emulator: Emulator) -> None:
    emulator.set_secret("octo-org", "API_KEY", "v")
    emulator.misbehave("GET", SECRETS + "*", UnknownVisibility(), times=2)
    one = requests.get(emulator.url + SECRETS + "/API_KEY", headers=AUTH, timeout=5).json()
    listed = requests.get(emulator.url + SECRETS, headers=AUTH, timeout=5).json()
    assert one["visibility"] == "everyone"
    assert [s["visibility"] for s in listed["secrets"]] == ["everyone"]


# -- reflected request --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("echo", "token_shown", "body_shown"),
    [("both", True, True), ("authorization", True, False), ("body", False, True)],
)
def test_error_text_reflects_the_request(
    emulator: Emulator,
    echo: Literal["authorization", "body", "both"],
    token_shown: bool,
    body_shown: bool,
) -> None:
    emulator.misbehave("PUT", SECRETS + "/*", Reflect(echo=echo))
    sent = {"encrypted_value": "Q0lQSEVSVEVYVA==", "key_id": "1", "visibility": "all"}
    response = requests.put(emulator.url + SECRETS + "/S", headers=AUTH, json=sent, timeout=5)
    assert response.status_code == 422
    error = response.json()
    for text in (error["message"], error["errors"][0]["message"]):
        assert (ADMIN_TOKEN in text) == token_shown
        assert ("Q0lQSEVSVEVYVA==" in text) == body_shown
    assert emulator.secret("octo-org", "S") is None


# -- selection: the fault queue and the admin route -----------------------------------------


def test_misbehaviours_share_the_fault_queue_and_are_used_up(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=502)
    emulator.misbehave("GET", KEY, NullFields(), times=2)
    statuses = [get_key(emulator) for _ in range(4)]
    assert [r.status_code for r in statuses] == [502, 200, 200, 200]
    assert [r.json().get("key") is None for r in statuses[1:]] == [True, True, False]
    emulator.misbehave("GET", KEY, NullFields())
    emulator.clear_faults()
    assert get_key(emulator).json()["key"] is not None


def admin(emu: Emulator, body: Mapping[str, object]) -> requests.Response:
    root = emu.url.removesuffix("/api/v3")
    return requests.post(root + "/_emulator/misbehave", json=body, timeout=5)


def test_admin_route_selects_a_mode_with_its_options(emulator: Emulator) -> None:
    body = {"method": "GET", "path_glob": KEY, "mode": "deeply-nested", "depth": 3, "times": 2}
    assert admin(emulator, body).status_code == 204
    assert get_key(emulator).content == b"[[[]]]"
    assert get_key(emulator).content == b"[[[]]]"
    assert "key_id" in get_key(emulator).json()


@pytest.mark.parametrize("mode", sorted(MODES))
def test_admin_route_knows_every_mode(emulator: Emulator, mode: str) -> None:
    options = {"to": "http://127.0.0.1:9"} if mode == "foreign-next-link" else {}
    body = {"method": "GET", "path_glob": "/nowhere", "mode": mode, **options}
    assert admin(emulator, body).status_code == 204


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"method": "GET", "path_glob": KEY, "mode": "tarpit"}, "unknown mode"),
        ({"method": "GET", "path_glob": KEY, "mode": "drip", "interval": 0}, "interval"),
        ({"method": "GET", "path_glob": KEY, "mode": "drip", "speed": 1}, "speed"),
        ({"method": "GET", "path_glob": "orgs", "mode": "stall"}, "path_glob"),
    ],
)
def test_admin_route_refuses_bad_modes(
    emulator: Emulator, body: dict[str, object], fragment: str
) -> None:
    response = admin(emulator, body)
    assert response.status_code == 400
    assert fragment in response.json()["message"]


def test_stop_ends_every_misbehaving_connection_at_once() -> None:
    emu = Emulator(tls=True)
    emu.start()
    emu.misbehave("GET", KEY, Stall())
    emu.misbehave("GET", KEY, Drip(interval=30))
    emu.misbehave("GET", KEY, EndlessBody())
    before = threading.active_count()
    sockets = [connect(emu) for _ in range(3)]
    try:
        for sock in sockets:
            send(sock, emu, "GET", KEY)
        time.sleep(0.2)
        stop_within(emu, 2.0)
        for sock in sockets:
            assert_closed_soon(sock)
        deadline = time.monotonic() + 2
        while threading.active_count() > before - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        # The server loop and all three connection threads are gone.
        assert threading.active_count() <= before - 1
    finally:
        for sock in sockets:
            sock.close()
        emu.stop()
