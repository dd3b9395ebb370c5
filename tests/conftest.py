"""Shared fixtures: a clean environment, the emulator, and running the action."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codespaces_secrets.action import main
from github_emulator import ADMIN_TOKEN, Emulator

from actionrun import ActionRun, read_back, runner_env

AMBIENT_PREFIXES = ("INPUT_", "GITHUB_", "RUNNER_", "ACTIONS_")
AMBIENT_NAMES = ("GH_TOKEN", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")

RunAction = Callable[..., ActionRun]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ambient INPUT_*/GITHUB_* from the machine running the tests leaks into a test."""
    for name in list(os.environ):
        if name.startswith(AMBIENT_PREFIXES) or name in AMBIENT_NAMES:
            monkeypatch.delenv(name)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A seeded emulator over plain HTTP on 127.0.0.1 (loopback http is allowed)."""
    with Emulator() as emu:
        yield emu


@pytest.fixture
def run_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> RunAction:
    """Run the action in-process with runner-style env, output and summary files."""
    counter = itertools.count()

    def run(emu: Emulator | None = None, /, **inputs: str) -> ActionRun:
        defaults = {"token": ADMIN_TOKEN, "org": "octo-org"}
        if emu is not None:
            defaults["api-url"] = emu.url
        named = {name.replace("_", "-"): value for name, value in inputs.items()}
        env = runner_env(tmp_path / f"run{next(counter)}", {**defaults, **named}, {})
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(dict(os.environ))
        captured = capsys.readouterr()
        for name in env:
            monkeypatch.delenv(name)
        return read_back(env, code, captured.out, captured.err)

    return run
