"""Retries by GitHub's rules, write pacing and timeouts, over real HTTP to the emulator.

The transport's clock is replaced so that waits are recorded instead of slept: the
requests, faults and headers are real, only time is simulated.
"""

from __future__ import annotations

import time

import pytest

from codespaces_secrets.config import RetryPolicy
from codespaces_secrets.errors import ApiError, RetriesExhaustedError
from codespaces_secrets.transport import Clock, Transport, WritePacer
from github_emulator import ADMIN_TOKEN, Emulator

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
LISTING = "/orgs/octo-org/codespaces/secrets"


class FakeTime:
    """A clock whose sleep advances time instantly and remembers every wait.

    With ``real=True`` it really sleeps too: the emulator's rate limits run on real time.
    """

    def __init__(self, *, real: bool = False) -> None:
        self.now = 1000.0
        self.waits: list[float] = []
        self.real = real

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        if self.real:
            time.sleep(seconds)

    def clock(self) -> Clock:
        return Clock(
            monotonic=lambda: self.now,
            wall=lambda: time.time() + self.now - 1000.0,
            sleep=self.sleep,
        )


def transport(emu: Emulator, fake: FakeTime, log: list[str], **policy: float) -> Transport:
    retry = RetryPolicy(**policy)  # type: ignore[arg-type]
    return Transport(
        emu.url, ADMIN_TOKEN, retry=retry, log=log.append, debug=lambda _: None, clock=fake.clock()
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_backoff(emulator: Emulator, status: int) -> None:
    emulator.inject("GET", KEY, status=status, times=3)
    fake, log = FakeTime(), list[str]()
    response = transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert response.status_code == 200
    assert len(fake.waits) == 3
    # Exponential with jitter: attempt n waits between half and all of 2**(n-1) seconds.
    for attempt, wait in enumerate(fake.waits, start=1):
        assert 0.5 * 2 ** (attempt - 1) <= wait <= 2 ** (attempt - 1)
    assert all(f"HTTP {status}" in line and "retrying" in line for line in log)


def test_dropped_connections_are_retried(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, drop=True, times=2)
    fake, log = FakeTime(), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert len(fake.waits) == 2
    assert "connection failed" in log[0]


def test_retry_after_is_honoured(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=429, headers={"retry-after": "7"})
    fake, log = FakeTime(), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert fake.waits == [7.0]


def test_secondary_limit_with_retry_after(emulator: Emulator) -> None:
    emulator.set_secondary_limit(writes_per_minute=2, retry_after=1)
    fake, log = FakeTime(real=True), list[str]()
    client = transport(emulator, fake, log)
    body = {"visibility": "private"}
    for name in ("A", "B", "C"):
        emulator.set_secret("octo-org", name, "v")
        client.request("PUT", f"{LISTING}/{name}", operation="write", json=body, expect=(204,))
    assert fake.waits == [1.0]
    assert any("HTTP 403" in line for line in log)


def test_primary_limit_waits_until_reset(emulator: Emulator) -> None:
    emulator.set_primary_limit(remaining=0, reset_in=1)
    fake, log = FakeTime(real=True), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    (wait,) = fake.waits
    assert 1 <= wait <= 3.1  # until x-ratelimit-reset (whole seconds), plus a second of margin


def test_secondary_limit_without_hint_waits_a_minute(emulator: Emulator) -> None:
    emulator.inject(
        "GET", KEY, status=403, body={"message": "You have exceeded a secondary rate limit."}
    )
    fake, log = FakeTime(), list[str]()
    transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert fake.waits == [60.0]


def test_attempts_are_bounded(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=502, times=10)
    fake, log = FakeTime(), list[str]()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport(emulator, fake, log, max_attempts=3).request(
            "GET", KEY, operation="fetch the key"
        )
    assert "gave up after 3 attempt(s)" in str(caught.value)
    assert "retry-wait-limit" in str(caught.value)
    assert len([r for r in emulator.requests if r.path == KEY]) == 3


def test_a_wait_beyond_the_budget_fails_at_once(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, status=429, headers={"retry-after": "600"})
    fake, log = FakeTime(), list[str]()
    with pytest.raises(RetriesExhaustedError) as caught:
        transport(emulator, fake, log, max_total_wait=30).request(
            "GET", KEY, operation="fetch the key"
        )
    assert fake.waits == []
    assert "asked to wait 600s" in str(caught.value)


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_client_errors_are_never_retried(emulator: Emulator, status: int) -> None:
    emulator.inject("GET", KEY, status=status, body={"message": "no"})
    fake, log = FakeTime(), list[str]()
    with pytest.raises(ApiError) as caught:
        transport(emulator, fake, log).request("GET", KEY, operation="fetch the key")
    assert caught.value.status == status
    assert fake.waits == []
    assert len(emulator.requests) == 1


def test_read_timeouts_are_retried(emulator: Emulator) -> None:
    emulator.inject("GET", KEY, delay=1.0)
    fake, log = FakeTime(), list[str]()
    client = transport(emulator, fake, log)
    client.timeout = (5.0, 0.3)
    client.request("GET", KEY, operation="fetch the key")
    assert "timed out" in log[0]


def test_first_writes_go_back_to_back_later_ones_a_second_apart() -> None:
    pacer = WritePacer()
    now = 0.0
    waits = []
    for _ in range(25):
        wait = pacer.wait_before_write(now)
        now += wait
        pacer.written(now)
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
    assert fake.waits == [1.0, 1.0]


def test_a_run_never_exceeds_eighty_writes_a_minute() -> None:
    pacer = WritePacer()
    now, starts = 0.0, []
    for _ in range(200):
        now += pacer.wait_before_write(now)
        starts.append(now)
        pacer.written(now)
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
    items = list(transport(emulator, fake, log).paginate(LISTING, "secrets", operation="list"))
    assert items == []
    assert len(emulator.requests) == 1
