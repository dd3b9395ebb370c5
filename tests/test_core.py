"""The front door, called the way the adapters call it: a validated job and the seams."""

from __future__ import annotations

from codespaces_secrets.config import Config
from codespaces_secrets.core import NOT_ATTEMPTED, execute
from codespaces_secrets.inputs import parse
from codespaces_secrets.results import Status
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import FakeTime, Recorder


def config(emu: Emulator, **inputs: str) -> Config:
    raw = {"token": ADMIN_TOKEN, "api-url": emu.url, **inputs}
    parsed = parse(raw, workspace=None)
    assert parsed.config is not None, parsed.problems
    return parsed.config


def test_results_come_in_input_order_with_events_and_no_real_waits(emulator: Emulator) -> None:
    emulator.inject("PUT", "/orgs/octo-labs/codespaces/secrets/B", status=503, times=1)
    events, fake = Recorder(), FakeTime()
    job = config(emulator, org="octo-labs, free-org, octo-org", secrets="B=2\nA=1")
    result = execute(job, events, clock=fake.clock)
    assert [(r.org, r.name, r.status) for r in result.results] == [
        ("octo-labs", "B", Status.CREATED),
        ("octo-labs", "A", Status.CREATED),
        ("free-org", "B", Status.FAILED),
        ("free-org", "A", Status.FAILED),
        ("octo-org", "B", Status.CREATED),
        ("octo-org", "A", Status.CREATED),
    ]
    assert len(fake.sleeps) == 1  # the one retry waited on the fake clock
    assert "HTTP 503; retrying" in events.retries[0]
    assert any("octo-org (Codespaces): A created" in line for line in events.infos)
    # The key-id output names one key: only a run of one org and one store has one.
    assert result.key_ids == {}


def test_a_wrong_repository_in_one_org_writes_nowhere(emulator: Emulator) -> None:
    job = config(emulator, org="octo-org, octo-labs", name="A", value="v", repositories="api")
    result = execute(job, Recorder())
    failed = {r.org: r.error for r in result.results if r.status is Status.FAILED}
    assert failed["octo-org"] == NOT_ATTEMPTED
    assert "not found in octo-labs: api" in failed["octo-labs"]
    assert [r.method for r in emulator.requests if r.method != "GET"] == []


def test_the_job_never_sees_the_token(emulator: Emulator) -> None:
    job = config(emulator, org="octo-org", name="A", value="v")
    assert ADMIN_TOKEN not in repr(job)
    assert not hasattr(job.job, "token")
    assert job.access.token == ADMIN_TOKEN


def test_reprs_never_show_a_token_or_a_value(emulator: Emulator) -> None:
    job = config(emulator, org="octo-org", secrets='{"A": "CANARY-repr-value"}')
    assert "CANARY" not in repr(job)
    assert ADMIN_TOKEN not in repr(job.access.for_org("octo-org"))
