"""Retries by GitHub's rules, write pacing and timeouts, over real HTTP to the emulator.

The transport's clock is replaced so that waits are recorded instead of slept: the
requests, faults and headers are real, only time is simulated.
"""

from __future__ import annotations

import socket

import pytest

from codespaces_secrets.attempt import Limits
from codespaces_secrets.clock import Clock
from codespaces_secrets.config import Access, RetryPolicy
from codespaces_secrets.errors import ApiError, RetriesExhaustedError
from codespaces_secrets.retry import Decision, Fault, Retrier, WritePacer, minimum_write_time
from codespaces_secrets.transport import HttpTransport
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import FakeTime, Recorder

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
LISTING = "/orgs/octo-org/codespaces/secrets"


def transport(
    emu: Emulator, fake: FakeTime, log: list[str], limits: Limits | None = None, **policy: float
) -> HttpTransport:
    """A transport whose retry lines go to ``log`` and whose waits go to ``fake``."""
    access = Access(emu.url, ADMIN_TOKEN, RetryPolicy(**policy))  # type: ignore[arg-type]
    events = Recorder(retries=log)
    return HttpTransport(access, clock=fake.clock, events=events, limits=limits)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(emulator: Emulator, status: int) -> None:
    emulator.inject("GET", KEY, status=status, times=3)
    fake, log = FakeTime(), list[str]()
    response = transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert response.status == 200
    assert len(fake.sleeps) == 3
    # Exponential with jitter: attempt n waits between half and all of 2**(n-1) seconds.
    for attempt, wait in enumerate(fake.sleeps, start=1):
        assert 0.5 * 2 ** (attempt - 1) <= wait <= 2 ** (attempt - 1)
    assert all(f"HTTP {status}" in line and "retrying" in line for line in log)


def test_dropped_connections_are_retried(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, drop=True, times=2)
    fake, log = FakeTime(), list[str]()
    answer = transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert len(fake.sleeps) == 2
    assert "connection reset; retrying" in log[0]
    assert answer.retried  # the dropped attempts reached the server: they may have run


def test_a_refused_connection_is_retried_but_never_taken_for_an_attempt_that_ran() -> None:
    """Nothing listens at first; the server comes up during the wait before the retry.

    The refused attempt never reached a server, so the answer is not marked retried: a
    write answered "updated" after it is someone else's secret, not the run's own.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake, log = FakeTime(), list[str]()
    with Emulator(port=port) as late:
        late.stop()

        def sleep(seconds: float) -> None:
            fake.sleep(seconds)
            late.start()

        clock = Clock(monotonic=fake.monotonic, wall=fake.wall, sleep=sleep)
        access = Access(f"http://127.0.0.1:{port}", ADMIN_TOKEN, RetryPolicy())
        http = HttpTransport(access, clock=clock, events=Recorder(retries=log))
        answer = http.request("GET", KEY, operation="fetch the key")
    assert (answer.status, answer.retried, len(fake.sleeps)) == (200, False, 1)
    assert "connection refused; retrying" in log[0]


def test_retry_after_is_honoured(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=429, headers={"retry-after": "7"})
    fake, log = FakeTime(), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert fake.sleeps == [7.0]


def test_secondary_limit_with_retry_after(emulator: Emulator) -> None:
    emulator.set_secondary_limit(writes_per_minute=2, retry_after=1)
    fake, log = FakeTime(real=True), list[str]()
    client = transport(emulator, fake, log)
    body = {"visibility": "private"}
    for name in ("A", "B", "C"):
        emulator.set_secret("octo-org", name, "v")
        client.request("PUT", f"{LISTING}/{name}", operation="write", json=body, expect=(204,))
    assert fake.sleeps == [1.0]
    assert any("HTTP 403" in line for line in log)


def test_primary_limit_waits_until_reset(emulator: Emulator) -> None:
    emulator.set_primary_limit(remaining=0, reset_in=1)
    fake, log = FakeTime(real=True), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    (wait,) = fake.sleeps
    assert 1 <= wait <= 3.1  # until x-ratelimit-reset (whole seconds), plus a second of margin


def test_secondary_limit_without_hint_waits_a_minute(emulator: Emulator) -> None:
    emulator.inject(
        "GET", KEY, status=403, body={"message": "You have exceeded a secondary rate limit."}
    )
    fake, log = FakeTime(), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert fake.sleeps == [60.0]


def test_attempts_are_bounded(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=502, times=10)
    fake, log = FakeTime(), list[str]()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport(emulator, fake, log, max_attempts=3).request(
            "GET", KEY, operation="fetch the key"
        )
    assert "gave up after 3 attempt(s)" in str(caught.value)
    assert "kept answering HTTP 502" in str(caught.value)
    assert "tried at most 3 times" in str(caught.value)
    assert "rate" not in str(caught.value)
    assert len([r for r in emulator.requests if r.path == KEY]) == 3


def test_a_wait_beyond_the_budget_fails_at_once(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=429, headers={"retry-after": "600"})
    fake, log = FakeTime(), list[str]()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport(emulator, fake, log, max_total_wait=30).request(
            "GET", KEY, operation="fetch the key"
        )
    assert fake.sleeps == []
    assert "asked to wait 600s" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_client_errors_are_never_retried(emulator: Emulator, status: int) -> None:
    emulator.inject("GET", KEY, status=status, body={"message": "no"})
    fake, log = FakeTime(), list[str]()
    with pytest.raises(ApiError) as caught:
        transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert caught.value.status == status
    assert fake.sleeps == []
    assert len(emulator.requests) == 1


def test_read_timeouts_are_retried(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, delay=1.0)
    fake, log = FakeTime(), list[str]()
    client = transport(emulator, fake, log, limits=Limits(deadline=0.3))
    client.request("GET", KEY, operation="fetch the key")
    assert "no complete answer within 0.3s" in log[0]


def test_first_writes_go_back_to_back_later_ones_a_second_apart() -> None:
    pacer = WritePacer()
    now = 0.0
    waits = []
    for _ in range(25):
        wait = pacer.wait_before_write(now)
        now += wait
        waits.append(wait)
        now += 0.01  # each write takes 10 ms
    assert waits[:20] == [0.0] * 20
    assert all(abs(w - 0.99) < 1e-9 for w in waits[20:])


def test_pacing_over_http(emulator: Emulator) -> None:
    fake, log = FakeTime(), list[str]()
    client = transport(emulator, fake, log)
    client.pacer = WritePacer(burst=2, interval=1.0)
    for name in ("A", "B", "C", "D"):
        emulator.set_secret("octo-org", name, "v")
        client.request(
            "PUT", f"{LISTING}/{name}", operation="w", json={"visibility": "all"}, expect=(204,)
        )
    assert fake.sleeps == [1.0, 1.0]


def test_a_run_never_exceeds_eighty_writes_a_minute() -> None:
    pacer = WritePacer()
    now, starts = 0.0, []
    for _ in range(200):
        now += pacer.wait_before_write(now)
        starts.append(now)
    for index, start in enumerate(starts):
        in_window = [s for s in starts[index:] if s < start + 60]
        assert len(in_window) <= 80


def test_next_links_outside_the_api_root_are_not_followed(emulator: Emulator) -> None:
    emulator.inject(
        "GET",
        LISTING,
        status=200,
        body={"total_count": 0, "secrets": []},
        headers={"link": '<https://evil.example/steal?page=2>; rel="next"'},
    )
    fake, log = FakeTime(), list[str]()
    client = transport(emulator, fake, log)
    with pytest.raises(ApiError, match="next-page link points outside the API root"):
        list(client.paginate(LISTING, "secrets", operation="list", max_pages=5))
    assert len(emulator.requests) == 1


# -- the retry rules alone, without HTTP ----------------------------------------------------


def decide(fault: Fault, attempt: int = 1, **policy: float) -> Decision:
    fake = FakeTime()
    return Retrier(RetryPolicy(**policy), fake.clock, jitter=lambda: 1.0).decide(fault, attempt)  # type: ignore[arg-type]


def test_retry_rules_follow_githubs_order() -> None:
    limited = {"retry-after": "7", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"}
    assert decide(Fault("HTTP 429", 429, limited)).wait == 7.0  # retry-after comes first
    assert decide(Fault("HTTP 403", 403, {}, "secondary rate limit")).wait == 60.0
    assert decide(Fault("HTTP 403", 403, {}, "secondary rate limit"), attempt=2).wait == 120.0
    assert decide(Fault("timed out"), attempt=3).wait == 4.0  # backoff, jitter at its top
    assert not Fault("HTTP 403", 403, {}, "Must have admin rights").transient
    assert Fault("connection failed").transient


def test_retry_gives_up_at_the_attempt_bound_or_the_budget() -> None:
    assert decide(Fault("HTTP 502", 502), attempt=5).give_up == "gave up after 5 attempt(s)"
    over = decide(Fault("HTTP 429", 429, {"retry-after": "61"}), max_total_wait=60)
    assert over.give_up == "GitHub asked to wait 61s, beyond the 60s of retry time left"


def test_the_budget_is_shared_by_every_request_of_a_run() -> None:
    fake = FakeTime()
    retrier = Retrier(RetryPolicy(max_total_wait=10), fake.clock)
    fault = Fault("HTTP 429", 429, {"retry-after": "6"})
    retrier.wait(retrier.decide(fault, 1).wait)
    assert retrier.decide(fault, 1).give_up  # a second request finds 4 s left, not 10
    assert fake.sleeps == [6.0]


def starts_of(writes: int, duration: float = 0.05) -> list[float]:
    """When each of ``writes`` writes starts, each taking ``duration`` seconds."""
    pacer, now, starts = WritePacer(), 0.0, []
    for _ in range(writes):
        now += pacer.wait_before_write(now)
        starts.append(now)
        now += duration
    return starts


def most_in_any_window(starts: list[float], window: float) -> int:
    most, first = 0, 0
    for last, start in enumerate(starts):
        while starts[first] <= start - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_thousands_of_writes_stay_within_both_hourly_and_minute_limits() -> None:
    starts = starts_of(3000)
    assert most_in_any_window(starts, 60.0) <= 80
    assert most_in_any_window(starts, 3600.0) == 500  # reaches the hourly limit, never more
    # 500 writes fit the first hour; each further 500 need another hour.
    assert 5 * 3600 < starts[-1] < 6 * 3600


def test_the_minimum_time_for_a_plan() -> None:
    assert minimum_write_time(20) == 0.0  # the burst
    assert minimum_write_time(500) == 480.0  # 20 at once, then one a second
    assert minimum_write_time(501) == 3600.0  # the 501st waits for the first to leave the hour
    assert minimum_write_time(1000) == 3600.0 + 499.0  # the second hour starts again
