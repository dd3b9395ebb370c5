"""Nothing the network sends can hang or exhaust a run: time, memory, paging, redirects.

Every test talks over a real socket on 127.0.0.1: to the emulator misbehaving on purpose
(``github_emulator.hostile``), or, for what only a raw socket can do (a TLS handshake that
never completes, a deflate body, counting connections), to a ``testkit.wire`` server.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codespaces_secrets.attempt import MIB, Limits
from codespaces_secrets.clock import SYSTEM_CLOCK
from codespaces_secrets.config import Access, RetryPolicy
from codespaces_secrets.errors import ApiError, RetriesExhaustedError
from codespaces_secrets.transport import HttpTransport
from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.hostile import (
    Drip,
    EndlessBody,
    ForeignNextLink,
    GzipBomb,
    LoopingNextLink,
    Redirect,
    Stall,
)
from testkit import FakeTime, Recorder, connect_with, run_measured, runner_env, wire
from testkit.wire import WireServer

from conftest import RunAction

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
LISTING = "/orgs/octo-org/codespaces/secrets"


def client(
    url: str, *, deadline: float = 0.5, max_body: int = 4 * MIB, **policy: float
) -> HttpTransport:
    """A transport with a short deadline and real time (timeouts are real)."""
    access = Access(url, ADMIN_TOKEN, RetryPolicy(**policy))  # type: ignore[arg-type]
    limits = Limits(connect=deadline, deadline=deadline, max_body=max_body)
    return HttpTransport(access, clock=SYSTEM_CLOCK, events=Recorder(), limits=limits)


def instant(emu: Emulator) -> HttpTransport:
    """A transport with the default limits whose waits are simulated."""
    return HttpTransport(Access(emu.url, ADMIN_TOKEN), clock=FakeTime().clock, events=Recorder())


@pytest.fixture
def server() -> Iterator[WireServer]:
    """A wire server whose attack the test sets (``server.attack = ...``)."""
    with WireServer(wire.answer(404, {"message": "Not Found"})) as found:
        yield found


@pytest.fixture
def foreign() -> Iterator[Emulator]:
    """A second emulator: another port of the same host, whose log shows any visit."""
    with Emulator() as emu:
        yield emu


# -- 1. bounded time --------------------------------------------------------------------

ENDLESS_IN_TIME = {
    "stall": Stall(),
    "drip headers": Drip(interval=0.05, where="headers"),
    "drip body": Drip(interval=0.05, where="body"),
}


@pytest.mark.parametrize("mode", ENDLESS_IN_TIME.values(), ids=ENDLESS_IN_TIME.keys())
def test_every_attempt_ends_at_its_deadline(emulator: Emulator, mode: Stall | Drip) -> None:
    emulator.misbehave("GET", KEY, mode)
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError) as caught:
        client(emulator.url, max_attempts=1).request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0
    assert "no complete answer within 0.5s" in caught.value.message


def test_a_dripped_tls_answer_ends_at_the_deadline() -> None:
    with Emulator(tls=True) as emu:
        emu.misbehave("GET", KEY, Drip(interval=0.05, where="body"))
        transport = HttpTransport(
            Access(emu.url, ADMIN_TOKEN, RetryPolicy(max_attempts=1)),
            clock=SYSTEM_CLOCK,
            events=Recorder(),
            limits=Limits(connect=0.5, deadline=0.5),
        )
        transport.verify = emu.ca_file or True
        started = time.monotonic()
        with pytest.raises(RetriesExhaustedError, match=r"within 0\.5s"):
            transport.request("GET", KEY, operation="fetch")
        assert time.monotonic() - started < 2.0


def test_a_stalled_tls_handshake_ends_at_the_deadline(server: WireServer) -> None:
    server.attack = wire.stall(server.stopped)  # reads the ClientHello, never answers it
    tls_url = server.url.replace("http://", "https://")
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError, match=r"no complete answer within 0\.5s"):
        client(tls_url, max_attempts=1).request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0


def test_a_kept_alive_connection_obeys_the_next_attempts_deadline(server: WireServer) -> None:
    first = wire.answer(200, {"key_id": "1", "key": wire.KEY}, keep_alive=True)
    answers = iter([first, wire.drip_headers(server.stopped)])

    def in_turn(conn: socket.socket, request: wire.Request) -> None:
        next(answers)(conn, request)

    server.attack = in_turn
    transport = client(server.url, max_attempts=1)
    transport.request("GET", KEY, operation="fetch")
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError, match=r"within 0\.5s"):
        transport.request("GET", KEY, operation="fetch")
    assert time.monotonic() - started < 2.0
    assert len(server.requests) == 2
    assert server.connections == 1  # the second attempt reused the first one's connection


def test_time_lost_to_timeouts_is_charged_to_the_budget(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, Stall(), times=50)
    transport = client(emulator.url, deadline=0.4, max_attempts=50, max_total_wait=2.0)
    started = time.monotonic()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport.request("GET", KEY, operation="fetch")
    took = time.monotonic() - started
    attempts = len(emulator.requests)
    assert 2 <= attempts < 6  # not 50: the timeouts used the budget up
    assert transport.retrier.spent >= 0.4 * attempts  # every timed-out attempt was charged
    assert took <= 2.0 + 0.4 + 0.3  # the budget, plus the attempt that ended the request
    assert "retry-wait-limit (2s) is spent" in str(caught.value)
    assert "rate" not in str(caught.value)  # a connection failure is not a rate limit


def test_worst_case_is_the_budget_plus_one_deadline_per_request(
    emulator: Emulator, run_action: RunAction
) -> None:
    """README's bound: T <= W + R * D (+ pacing), here with W = 1 s, D = 0.5 s.

    Three orgs on a server that never answers: the first org's key request retries
    until the budget is spent; after that nothing is retried anywhere, so each other
    org costs one attempt. R = 3 requests that end a request, plus the retried ones
    inside W.
    """
    emulator.misbehave("GET", "/orgs/*/codespaces/secrets/public-key", Stall(), times=100)
    budget, deadline = 1, 0.5
    started = time.monotonic()
    run = run_action(
        emulator,
        org="octo-org\nocto-labs\nocto-third",
        name="A",
        value="v",
        retry_wait_limit=str(budget),
        connect=connect_with(timeout=deadline),
    )
    took = time.monotonic() - started
    assert run.exit_code == 1
    requests = 3
    assert took <= budget + requests * deadline + deadline + 0.5  # + one attempt in flight
    paths = [r.path for r in emulator.requests]
    assert paths.count("/orgs/octo-labs/codespaces/secrets/public-key") == 1
    assert paths.count("/orgs/octo-third/codespaces/secrets/public-key") == 1
    assert "Traceback" not in run.log


# -- 2. bounded memory ------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_an_endless_body_is_cut_at_the_cap(emulator: Emulator, framing: str) -> None:
    emulator.misbehave("GET", KEY, EndlessBody(framing=framing))  # type: ignore[arg-type]
    with pytest.raises(ApiError, match="larger than 1 MiB") as caught:
        client(emulator.url, deadline=5, max_body=MIB).request("GET", KEY, operation="fetch")
    assert not isinstance(caught.value, RetriesExhaustedError)  # not retried


def test_a_gzip_bomb_is_cut_at_the_inflated_cap(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, GzipBomb(inflated_bytes=256 * MIB))
    with pytest.raises(ApiError, match="larger than 4 MiB"):
        client(emulator.url, deadline=10).request("GET", KEY, operation="fetch")


def test_a_child_run_under_a_gigabyte_bomb_stays_small(emulator: Emulator, tmp_path: Path) -> None:
    """The README's memory figure: the entrypoint's own peak RSS, not this process's."""
    emulator.misbehave("GET", "/orgs/*/codespaces/secrets/public-key", GzipBomb(1 << 30))
    inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "name": "A", "value": "v"}
    env = runner_env(tmp_path, {**inputs, "api-url": emulator.url}, {})
    measured = run_measured(env, [sys.executable, "-m", "testkit.launch", "--deadline", "10"])
    assert measured.run.exit_code == 1
    assert "larger than 4 MiB" in measured.run.commands("error")[0]
    assert measured.max_rss_mib < 80  # about 40 MiB measured; a full inflate would be 1 GiB


def test_a_deflate_bomb_is_cut_at_the_inflated_cap(server: WireServer) -> None:
    server.attack = wire.deflate_answer(256 * MIB)
    with pytest.raises(ApiError, match="larger than 4 MiB"):
        client(server.url, deadline=10).request("GET", KEY, operation="fetch")
    assert server.requests[0].headers["accept-encoding"] == "identity"  # it asked for none


def test_stacked_compression_is_refused_unread(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, GzipBomb(inflated_bytes=64 * MIB, layers=2))
    with pytest.raises(ApiError, match="content encoding the action does not accept"):
        client(emulator.url).request("GET", KEY, operation="fetch")


def test_a_compressed_answer_under_the_cap_is_still_read(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, GzipBomb(inflated_bytes=MIB))
    answer = client(emulator.url, deadline=5).request("GET", KEY, operation="fetch")
    assert answer.json()["key_id"]


# -- 3. bounded paging ------------------------------------------------------------------


def test_a_next_link_to_another_port_gets_no_token(emulator: Emulator, foreign: Emulator) -> None:
    emulator.misbehave("GET", LISTING, ForeignNextLink(to=foreign.url))
    with pytest.raises(ApiError, match="outside the API root"):
        list(instant(emulator).paginate(LISTING, "secrets", operation="list", max_pages=10))
    assert foreign.requests == []


def test_a_next_link_back_to_a_page_read_is_refused(emulator: Emulator) -> None:
    emulator.misbehave("GET", LISTING, LoopingNextLink(), times=10)
    with pytest.raises(ApiError, match="leads back to a page already read"):
        list(instant(emulator).paginate(LISTING, "secrets", operation="list", max_pages=10))
    assert len(emulator.requests) == 1


def test_paging_stops_at_the_page_cap(emulator: Emulator) -> None:
    # Next links within the API itself, page after page: only the cap ends them.
    emulator.misbehave("GET", LISTING, ForeignNextLink(to=emulator.url), times=100)
    with pytest.raises(ApiError, match="pages go on past 5"):
        list(instant(emulator).paginate(LISTING, "secrets", operation="list", max_pages=5))
    assert len(emulator.requests) == 5


# -- 4. redirects -----------------------------------------------------------------------


def test_a_read_redirect_within_the_api_is_followed(emulator: Emulator) -> None:
    emulator.misbehave("GET", KEY, Redirect(status=301))
    assert instant(emulator).request("GET", KEY, operation="fetch").status == 200
    assert len(emulator.requests) == 2


def test_a_read_redirect_elsewhere_is_not_followed(emulator: Emulator, foreign: Emulator) -> None:
    emulator.misbehave("GET", KEY, Redirect(status=302, to=foreign.url))
    with pytest.raises(ApiError, match="redirecting away from the API root"):
        instant(emulator).request("GET", KEY, operation="fetch")
    assert foreign.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_write_is_an_error_that_writes_nothing(
    emulator: Emulator, run_action: RunAction, status: int
) -> None:
    emulator.misbehave("PUT", f"{LISTING}/*", Redirect(status=status))
    run = run_action(emulator, name="A", value="v")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert f"HTTP {status} (a redirect)" in error
    assert "nothing was written" in error
    assert emulator.secret("octo-org", "A") is None
    assert [r.method for r in emulator.requests].count("PUT") == 1
