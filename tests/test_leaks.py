"""Canary values never reach a log line, an output or the summary, on any path.

The only place a value may appear is an ``::add-mask::`` command, and those come before
every other line, so the runner masks the values before anything could show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from codespaces_secrets.report import MIN_MASKED_LINE
from github_emulator import ADMIN_TOKEN, Emulator

from actionrun import ActionRun
from conftest import RunAction

SINGLE = "CANARY-single-7f3a%25:colon::%0A"
MULTI = "CANARY-multi-first-line\nCANARY-multi-second-ünïcødé\n  CANARY-multi-indented\n"
UNICODE = "CANARY-ключ-🔑-%-value"
TOKEN_CANARY = "ghp_CANARYtoken0000000000000000000000"


def escaped(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def pieces(values: Iterable[str]) -> list[str]:
    found = []
    for value in values:
        found.append(value)
        found.extend(line for line in value.splitlines() if len(line.strip()) >= MIN_MASKED_LINE)
    return found


def assert_no_leak(run: ActionRun, values: Iterable[str], emu: Emulator | None = None) -> None:
    values = list(values)
    lines = run.stdout.splitlines()
    masks = [line for line in lines if line.startswith("::add-mask::")]
    assert lines[: len(masks)] == masks, "every ::add-mask:: must come before any other line"
    masked = {line.removeprefix("::add-mask::") for line in masks}
    for piece in pieces(values):
        assert escaped(piece) in masked, f"not masked: {piece[:12]}..."
    rest = "\n".join(lines[len(masks) :]) + run.stderr + json.dumps(run.outputs) + run.summary
    for piece in pieces(values):
        assert piece not in rest
    if emu is not None:
        for request in emu.requests:
            body = request.body if isinstance(request.body, dict) else {}
            ciphertext = body.get("encrypted_value")
            if ciphertext:
                assert ciphertext not in rest


@pytest.mark.parametrize("value", [SINGLE, MULTI, UNICODE])
def test_single_secret_success(emulator: Emulator, run_action: RunAction, value: str) -> None:
    emulator.add_token(TOKEN_CANARY)
    run = run_action(emulator, token=TOKEN_CANARY, name="CANARY", value=value)
    assert run.exit_code == 0, run.log
    assert_no_leak(run, [value, TOKEN_CANARY], emulator)


def test_batch_success_and_debug_logging(
    emulator: Emulator, run_action: RunAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNNER_DEBUG", "1")
    secrets = json.dumps(
        {"github_token": "ghs_CANARYrunner", "A": SINGLE, "B": MULTI, "C": UNICODE}
    )
    run = run_action(emulator, org="octo-org\nocto-labs", secrets=secrets)
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
    assert len(run.commands("warning")) == 2  # one line per retry
    assert_no_leak(run, [MULTI, ADMIN_TOKEN], emulator)


def test_bad_credentials(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, token=TOKEN_CANARY, name="A", value=UNICODE)
    assert run.exit_code == 1
    assert_no_leak(run, [UNICODE, TOKEN_CANARY])
