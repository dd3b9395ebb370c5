"""GitHub's write limits in the emulator, on a simulated clock, over real HTTP.

The emulator runs on a `FakeTime` clock: nothing waits for real, so an hour of paced writes
takes a moment, while every request still crosses a socket. Last, the real action drives
2,000 writes (three simulated hours) through the emulator on the same clock with the limits
on: none is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from codespaces_secrets.retry import WritePacer, minimum_write_time
from github_emulator import ADMIN_TOKEN, LABS_TOKEN, Emulator
from github_emulator.openapi import OpenApiSpec
from testkit import FakeTime, connect_with, run_in_process, runner_env
from testkit.apiclient import ApiClient, plain_session, secrets_path

SECRETS = secrets_path()


@pytest.fixture(scope="module")
def spec() -> OpenApiSpec:
    return OpenApiSpec.load()


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def emulator(fake: FakeTime) -> Iterator[Emulator]:
    with Emulator(clock=fake.monotonic) as emulator:
        emulator.set_secret("octo-org", "A", "v")
        emulator.set_secondary_limit()  # GitHub's: 80 a minute, 500 an hour
        yield emulator


def write(client: ApiClient) -> int:
    """One content-creating request (a visibility-only update: no sealing needed)."""
    return client.put(f"{SECRETS}/A", json={"visibility": "all"}).status_code


def test_the_81st_write_in_a_minute_is_refused_with_retry_after(
    emulator: Emulator, client: ApiClient, spec: OpenApiSpec, fake: FakeTime
) -> None:
    assert [write(client) for _ in range(80)] == [204] * 80
    refused = client.put(f"{SECRETS}/A", json={"visibility": "all"})
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("You have exceeded a secondary rate limit.")
    assert refused.headers["retry-after"] == "60"
    assert client.get(f"{SECRETS}/A").status_code == 200  # reads do not count
    assert write(ApiClient(emulator, spec, ADMIN_TOKEN)) == 403  # per token, not per connection
    fake.sleep(59)
    blocked = client.put(f"{SECRETS}/A", json={"visibility": "all"})
    assert (blocked.status_code, blocked.headers["retry-after"]) == (403, "1")
    fake.sleep(1)
    assert write(client) == 204


def test_each_token_has_its_own_windows(emulator: Emulator, spec: OpenApiSpec) -> None:
    emulator.set_secret("octo-labs", "A", "v")
    admin, labs = ApiClient(emulator, spec, ADMIN_TOKEN), ApiClient(emulator, spec, LABS_TOKEN)
    assert [write(admin) for _ in range(81)][-1] == 403
    labs_write = labs.put(f"{secrets_path('octo-labs')}/A", json={"visibility": "all"})
    assert labs_write.status_code == 204


def test_the_501st_write_in_an_hour_waits_for_the_oldest_to_leave(
    client: ApiClient, fake: FakeTime
) -> None:
    # One a second stays under 80 a minute; the hour fills after 500.
    for _ in range(500):
        assert write(client) == 204
        fake.sleep(1)
    refused = client.put(f"{SECRETS}/A", json={"visibility": "all"})
    assert refused.status_code == 403
    # The first write was at 0 s, now is 500 s: it leaves the hour at 3,600 s.
    assert refused.headers["retry-after"] == "3100"
    fake.sleep(3099)
    assert write(client) == 403
    fake.sleep(1)
    assert write(client) == 204


def test_hourly_window_can_be_left_out_and_the_limit_turned_off(
    emulator: Emulator, client: ApiClient, fake: FakeTime
) -> None:
    emulator.set_secondary_limit(80, writes_per_hour=None)
    for _ in range(600):
        assert write(client) == 204
        fake.sleep(1)
    emulator.set_secondary_limit(None)
    assert [write(client) for _ in range(100)] == [204] * 100
    admin = plain_session()
    limit = {"writes_per_minute": 2, "retry_after": 5, "writes_per_hour": 3}
    assert admin.post(f"{emulator.url}/_emulator/secondary-limit", json=limit, timeout=5).ok
    assert [write(client) for _ in range(3)] == [204, 204, 403]
    fake.sleep(60)
    assert write(client) == 204
    assert write(client) == 403  # the hour still holds three
    with pytest.raises(ValueError, match="writes_per_hour"):
        emulator.set_secondary_limit(writes_per_hour=0)


def test_the_request_log_and_the_primary_reset_follow_the_clock(
    emulator: Emulator, client: ApiClient, fake: FakeTime
) -> None:
    emulator.clear_requests()
    client.get(SECRETS)
    fake.sleep(1234.5)
    client.get(SECRETS)
    first, second = emulator.requests
    assert second.time - first.time == 1234.5
    emulator.set_primary_limit(0, reset_in=600)
    refused = client.get(SECRETS)
    assert refused.status_code == 403
    reset_in = int(refused.headers["x-ratelimit-reset"]) - fake.wall()
    assert 598 <= reset_in <= 601
    fake.sleep(601)
    assert client.get(SECRETS).status_code == 200


def test_the_action_writes_two_thousand_secrets_on_a_simulated_clock_without_a_refusal(
    tmp_path: Path,
) -> None:
    fake = FakeTime()
    values = {f"S{n:04}": f"value {n}" for n in range(1000)}
    with Emulator(clock=fake.monotonic) as emu:
        emu.set_secondary_limit()
        inputs = {
            "token": ADMIN_TOKEN,  # one token for both orgs: one pace, 2,000 writes
            "org": "octo-org, octo-labs",
            "apps": "actions",  # up to 1,000 secrets per org
            "secrets": json.dumps(values),
            "run-time-limit": "360",
            "api-url": emu.url,
        }
        run = run_in_process(runner_env(tmp_path, inputs, {}), clock=fake.clock)
        assert run.exit_code == 0, run.log[-2000:]
        writes = [r for r in emu.requests if r.method == "PUT"]
        assert len(writes) == 2000
        assert [r for r in emu.requests if r.status == 403] == []
        for org in ("octo-org", "octo-labs"):
            stored = emu.secrets(org, "actions")
            assert len(stored) == 1000
            assert stored[-1].value == "value 999"
        # Pacing, not the emulator, set the pace: at the floor GitHub's limits impose.
        span = writes[-1].time - writes[0].time
        assert minimum_write_time(2000) <= span <= minimum_write_time(2000) + 60


def test_a_client_paced_for_the_minute_only_is_caught_by_the_hour(tmp_path: Path) -> None:
    # The negative control of the test above: without the hourly window in its pacing, the
    # same kind of run meets the emulator's 403 at the 501st write.
    fake = FakeTime()
    minute_only = connect_with(pacer=lambda: WritePacer(windows=((60.0, 80),)))
    values = {f"S{n:03}": "v" for n in range(600)}
    with Emulator(clock=fake.monotonic) as emu:
        emu.set_secondary_limit()
        inputs = {
            "token": ADMIN_TOKEN,
            "org": "octo-org",
            "apps": "actions",
            "secrets": json.dumps(values),
            "run-time-limit": "360",
            "api-url": emu.url,
        }
        run_in_process(runner_env(tmp_path, inputs, {}), connect=minute_only, clock=fake.clock)
        refused = [r for r in emu.requests if r.status == 403]
        assert refused
        admitted = [r for r in emu.requests if r.method == "PUT" and r.status in (201, 204)]
        assert len([r for r in admitted if r.time < refused[0].time]) == 500
