"""Enterprise scale: the writes are paced per token and must fit the run's time."""

from __future__ import annotations

import json

from github_emulator import ADMIN_TOKEN, LABS_TOKEN, Emulator
from testkit import FakeTime

from conftest import RunAction


def batch(count: int) -> str:
    return json.dumps({f"S{index:03}": f"value {index}" for index in range(count)})


def puts(emu: Emulator) -> int:
    return sum(r.method == "PUT" for r in emu.requests)


def test_a_plan_that_cannot_fit_fails_before_writing_with_the_figures(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, org="octo-org, octo-labs", secrets=batch(60), run_time_limit="1")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert "The writes cannot finish within run-time-limit (60 s)" in error
    assert "the token of octo-org, octo-labs has 120 writes, which need at least 100 s" in error
    assert "Give each org its own token" in error
    assert puts(emulator) == 0
    assert {r["status"] for r in run.results} == {"failed"}


def test_each_token_is_paced_and_counted_on_its_own(
    emulator: Emulator, run_action: RunAction
) -> None:
    # The same 120 writes fit in a minute once each org has its own token (60 each: 40 s).
    run = run_action(
        emulator,
        token="",
        tokens=json.dumps({"octo-org": ADMIN_TOKEN, "octo-labs": LABS_TOKEN}),
        org="octo-org, octo-labs",
        secrets=batch(60),
        run_time_limit="1",
        dry_run="true",
    )
    assert run.exit_code == 0, run.log
    assert "Plan: 60 write(s) with the token of octo-org; at least 40 s" in run.stdout
    assert "Plan: 60 write(s) with the token of octo-labs; at least 40 s" in run.stdout


def test_a_dry_run_prints_the_estimate_and_the_same_refusal(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, secrets=batch(100), run_time_limit="1", dry_run="true")
    assert run.exit_code == 1
    assert "Plan: 100 write(s) with the token of octo-org; at least 80 s" in run.stdout
    assert "cannot finish within run-time-limit" in run.commands("error")[0]


def test_one_retry_budget_serves_every_token_of_the_run(
    emulator: Emulator, run_action: RunAction
) -> None:
    for org in ("octo-org", "octo-labs"):
        path = f"/orgs/{org}/codespaces/secrets/public-key"
        emulator.inject("GET", path, status=429, headers={"retry-after": "6"}, times=1)
    fake = FakeTime()
    run = run_action(
        emulator,
        clock=fake.clock,
        tokens=json.dumps({"octo-labs": LABS_TOKEN}),
        org="octo-org, octo-labs",
        name="A",
        value="v",
        retry_wait_limit="10",
        max_parallel="1",  # one token after the other, so which one waits first is known
    )
    # octo-org's token waited 6 s; octo-labs' own token finds 4 s left, not 10.
    assert fake.sleeps == [6.0]
    assert [r["status"] for r in run.results] == ["created", "failed"]
    assert "beyond the 4.0s of retry" in run.commands("error")[0]
