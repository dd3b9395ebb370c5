"""Canary values never reach a log line, an output or the summary, on any path.

The only place a value may appear is an ``::add-mask::`` command, and those come before
every other line, so the runner masks the values before anything could show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ActionRun, find_leaks

from conftest import RunAction

SINGLE = "CANARY-single-7f3a%25:colon::%0A"
MULTI = "CANARY-multi-first-line\nCANARY-multi-second-ünïcødé\n  CANARY-multi-indented\n"
UNICODE = "CANARY-ключ-🔑-%-value"
TOKEN_CANARY = "ghp_CANARYtoken0000000000000000000000"


def assert_no_leak(run: ActionRun, values: Iterable[str], emu: Emulator | None = None) -> None:
    requests = emu.requests if emu is not None else []
    sent = [str(r.body.get("encrypted_value", "")) for r in requests if isinstance(r.body, dict)]
    assert find_leaks(run, values, ciphertexts=sent) == []


@pytest.mark.parametrize("value", [SINGLE, MULTI, UNICODE])
def test_single_secret_success(emulator: Emulator, run_action: RunAction, value: str) -> None:
    emulator.add_token(TOKEN_CANARY)
    run = run_action(emulator, token=TOKEN_CANARY, name="CANARY", value=value)
    assert run.exit_code == 0, run.log
    assert_no_leak(run, [value, TOKEN_CANARY], emulator)


def test_batch_success_and_debug_logging(emulator: Emulator, run_action: RunAction) -> None:
    secrets = json.dumps(
        {"github_token": "ghs_CANARYrunner", "A": SINGLE, "B": MULTI, "C": UNICODE}
    )
    run = run_action(
        emulator, env={"RUNNER_DEBUG": "1"}, org="octo-org\nocto-labs", secrets=secrets
    )
    assert run.exit_code == 0, run.log
    assert run.commands("debug"), "debug lines are printed with RUNNER_DEBUG=1"
    assert_no_leak(run, [SINGLE, MULTI, UNICODE, "ghs_CANARYrunner", ADMIN_TOKEN], emulator)


def test_input_failure(emulator: Emulator, run_action: RunAction) -> None:
    dotenv = f'A="{MULTI}"\nBAD-NAME={SINGLE}\n{UNICODE}\n'
    run = run_action(emulator, token=TOKEN_CANARY, secrets=dotenv, visibility="nope")
    assert run.exit_code == 1
    assert emulator.requests == []
    assert_no_leak(run, [MULTI, SINGLE, UNICODE, TOKEN_CANARY, dotenv])


def test_api_failures_and_partial_failure(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject("PUT", "/orgs/octo-org/codespaces/secrets/B", status=422, body={"message": "x"})
    run = run_action(
        emulator, org="octo-org, free-org", secrets=json.dumps({"A": SINGLE, "B": MULTI})
    )
    assert run.exit_code == 1
    assert_no_leak(run, [SINGLE, MULTI, ADMIN_TOKEN], emulator)


def test_retries(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject("PUT", "/orgs/octo-org/codespaces/secrets/*", status=502, times=1)
    emulator.inject("GET", "/orgs/octo-org/codespaces/secrets/public-key", drop=True, times=1)
    run = run_action(emulator, name="A", value=MULTI)
    assert run.exit_code == 0, run.log
    # A survived fault is a log line, and the run one notice: no yellow warnings
    # (but the one about the value's trailing newline).
    assert [w for w in run.commands("warning") if "ends with a newline" not in w] == []
    assert run.stdout.count("retrying in") == 2
    assert run.commands("notice") == ["2 transient fault(s) were retried and survived."]
    assert_no_leak(run, [MULTI, ADMIN_TOKEN], emulator)


def test_bad_credentials(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, token=TOKEN_CANARY, name="A", value=UNICODE)
    assert run.exit_code == 1
    assert_no_leak(run, [UNICODE, TOKEN_CANARY])
