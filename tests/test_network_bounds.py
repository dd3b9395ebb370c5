"""Nothing the network sends can hang or exhaust a run: time, memory, paging, redirects.

Every test talks over a real socket on 127.0.0.1: to the emulator (whole answers
injected) or to a ``testkit.wire`` server that misbehaves at the byte level.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from codespaces_secrets.clock import SYSTEM_CLOCK
from codespaces_secrets.config import Access, RetryPolicy
from codespaces_secrets.errors import ApiError, RetriesExhaustedError
from codespaces_secrets.send import MIB, Limits
from codespaces_secrets.transport import Transport
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import FakeTime, Recorder, connect_with, wire
from testkit.wire import WireServer

from conftest import RunAction

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
LISTING = "/orgs/octo-org/codespaces/secrets"
TOKEN = "ghp_wireTestToken"


def client(
    url: str, *, deadline: float = 0.5, max_body: int = 4 * MIB, **policy: float
) -> Transport:
    """A transport with a short deadline and real time (timeouts are real)."""
    access = Access(url, TOKEN, RetryPolicy(**policy))  # type: ignore[arg-type]
    limits = Limits(connect=deadline, deadline=deadline, max_body=max_body)
    return Transport(access, clock=SYSTEM_CLOCK, events=Recorder(), limits=limits)


@pytest.fixture
def server() -> Iterator[WireServer]:
    """A wire server whose attack the test sets (``server.attack = ...``)."""
    with WireServer(wire.answer(404, {"message": "Not Found"})) as found:
        yield found


# -- 1. bounded time --------------------------------------------------------------------


@pytest.mark.parametrize("attack", ["stall", "drip_headers", "drip_body"])
def test_every_attempt_ends_at_its_deadline(server: WireServer, attack: str) -> None:
    server.attack = getattr(wire, attack)(server.stopped)
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError) as caught:
        client(server.url, deadline=0.5, max_attempts=1).request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0
    assert "no complete answer within 0.5s" in caught.value.message


def test_a_stalled_tls_handshake_ends_at_the_deadline(server: WireServer) -> None:
    server.attack = wire.stall(server.stopped)
    tls_url = server.url.replace("http://", "https://")
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError, match=r"no complete answer within 0\.5s"):
        client(tls_url, deadline=0.5, max_attempts=1).request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0


def test_a_kept_alive_connection_obeys_the_next_attempts_deadline(server: WireServer) -> None:
    first = wire.answer(200, {"key_id": "1", "key": wire.KEY}, keep_alive=True)
    drip = wire.drip_headers(server.stopped)
    answers = iter([first, drip])

    def in_turn(conn: socket.socket, request: wire.Request) -> None:
        next(answers)(conn, request)

    server.attack = in_turn
    transport = client(server.url, deadline=0.5, max_attempts=1)
    transport.request("GET", KEY, operation="fetch")
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError, match=r"within 0\.5s"):
        transport.request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0
    assert len(server.requests) == 2
    assert server.connections == 1  # the second attempt reused the first one's connection


def test_time_lost_to_timeouts_is_charged_to_the_budget(server: WireServer) -> None:
    server.attack = wire.stall(server.stopped)
    transport = client(server.url, deadline=0.4, max_attempts=50, max_total_wait=2.0)
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport.request("GET", KEY, operation="fetch")
    took = time.monotonic() - started
    attempts = len(server.requests)
    assert 2 <= attempts < 6  # not 50: the timeouts used the budget up
    assert transport.retrier.spent >= 0.4 * attempts  # every timed-out attempt was charged
    assert took <= 2.0 + 0.4 + 0.3  # the budget, plus the attempt that ended the request
    assert "retry-wait-limit (2s) is spent" in str(caught.value)
    assert "rate" not in str(caught.value)  # a connection failure is not a rate limit


def test_worst_case_is_the_budget_plus_one_deadline_per_request(
    server: WireServer, run_action: RunAction
) -> None:
    """README's bound: T <= W + R * D (+ pacing), here with W = 1 s, D = 0.5 s.

    Three orgs on a server that never answers: the first org's key request retries
    until the budget is spent; after that nothing is retried anywhere, so each other
    org costs one attempt. R = 3 requests that end a request, plus the retried ones
    inside W.
    """
    server.attack = wire.stall(server.stopped)
    budget, deadline = 1, 0.5
    started = time.monotonic()
    run = run_action(
        None,
        api_url=server.url,
        org="org-a\norg-b\norg-c",
        name="A",
        value="v",
        retry_wait_limit=str(budget),
        connect=connect_with(timeout=deadline),
    )
    took = time.monotonic() - started
    assert run.exit_code == 1
    requests = 3
    assert took <= budget + requests * deadline + deadline + 0.5  # + one attempt in flight
    paths = [r.path for r in server.requests]
    assert paths.count("/orgs/org-b/codespaces/secrets/public-key") == 1
    assert paths.count("/orgs/org-c/codespaces/secrets/public-key") == 1
    assert "Traceback" not in run.log


# -- 2. bounded memory ------------------------------------------------------------------


def test_an_endless_body_is_cut_at_the_cap(server: WireServer) -> None:
    server.attack = wire.endless_body(server.stopped)
    with pytest.raises(ApiError, match="larger than 1 MiB") as caught:
        client(server.url, deadline=5, max_body=MIB).request("GET", KEY, operation="fetch")
    assert not isinstance(caught.value, RetriesExhaustedError)  # not retried


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compression_bomb_is_cut_at_the_inflated_cap(server: WireServer, encoding: str) -> None:
    server.attack = wire.gzip_bomb(256 * MIB, encoding)
    with pytest.raises(ApiError, match="larger than 4 MiB"):
        client(server.url, deadline=10).request("GET", KEY, operation="fetch")
    assert server.requests[0].headers["accept-encoding"] == "identity"


def test_stacked_compression_is_refused_unread(server: WireServer) -> None:
    server.attack = wire.gzip_bomb(MIB, "gzip, gzip")
    with pytest.raises(ApiError, match="content encoding the action does not accept"):
        client(server.url).request("GET", KEY, operation="fetch")


def test_a_small_compressed_answer_is_still_read(server: WireServer) -> None:
    server.attack = wire.gzip_bomb(1000, "gzip")
    answer = client(server.url).request("GET", KEY, operation="fetch")
    assert answer.body == b"[" + b" " * 999


# -- 3. bounded paging ------------------------------------------------------------------


def test_a_next_link_to_another_port_gets_no_token(emulator: Emulator, server: WireServer) -> None:
    emulator.inject(
        "GET",
        LISTING,
        status=200,
        body={"total_count": 0, "secrets": []},
        headers={"link": f'<{server.url}/api/v3{LISTING}?page=2>; rel="next"'},
    )
    transport = Transport(
        Access(emulator.url, ADMIN_TOKEN), clock=FakeTime().clock, events=Recorder()
    )
    with pytest.raises(ApiError, match="outside the API root"):
        list(transport.paginate(LISTING, "secrets", operation="list", max_pages=10))
    assert server.requests == []


def test_a_next_link_back_to_a_page_read_is_refused(emulator: Emulator) -> None:
    emulator.inject(
        "GET",
        LISTING,
        status=200,
        body={"total_count": 0, "secrets": []},
        headers={"link": f'<{emulator.url}{LISTING}?per_page=100>; rel="next"'},
    )
    transport = Transport(
        Access(emulator.url, ADMIN_TOKEN), clock=FakeTime().clock, events=Recorder()
    )
    with pytest.raises(ApiError, match="leads back to a page already read"):
        list(transport.paginate(LISTING, "secrets", operation="list", max_pages=10))
    assert len(emulator.requests) == 1


def test_paging_stops_at_the_page_cap(server: WireServer) -> None:
    pages = iter(range(2, 10_000))

    def endless_pages(conn: object, request: wire.Request) -> None:
        link = f'<{server.url}{LISTING}?page={next(pages)}>; rel="next"'
        wire.answer(200, {"secrets": []}, {"Link": link})(conn, request)  # type: ignore[arg-type]

    server.attack = endless_pages
    with pytest.raises(ApiError, match="pages go on past 5"):
        list(client(server.url).paginate(LISTING, "secrets", operation="list", max_pages=5))
    assert len(server.requests) == 5


# -- 4. redirects -----------------------------------------------------------------------


def test_a_read_redirect_within_the_api_is_followed(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=301, headers={"location": f"{emulator.url}{KEY}?moved=1"})
    transport = Transport(
        Access(emulator.url, ADMIN_TOKEN), clock=FakeTime().clock, events=Recorder()
    )
    assert transport.request("GET", KEY, operation="fetch").status == 200
    assert len(emulator.requests) == 2


def test_a_read_redirect_elsewhere_is_not_followed(emulator: Emulator, server: WireServer) -> None:
    emulator.inject("GET", KEY, status=302, headers={"location": f"{server.url}{KEY}"})
    transport = Transport(
        Access(emulator.url, ADMIN_TOKEN), clock=FakeTime().clock, events=Recorder()
    )
    with pytest.raises(ApiError, match="redirecting away from the API root"):
        transport.request("GET", KEY, operation="fetch")
    assert server.requests == []


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_write_is_an_error_that_writes_nothing(
    emulator: Emulator, server: WireServer, run_action: RunAction, status: int
) -> None:
    emulator.inject(
        "PUT", f"{LISTING}/*", status=status, headers={"location": f"{emulator.url}{LISTING}/B"}
    )
    run = run_action(emulator, name="A", value="v")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert f"HTTP {status} (a redirect)" in error
    assert "nothing was written" in error
    assert emulator.secret("octo-org", "A") is None
    assert [r.method for r in emulator.requests].count("PUT") == 1
