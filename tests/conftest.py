"""Shared fixtures: a clean environment, the emulator, and running the action."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codespaces_secrets.clock import SYSTEM_CLOCK, Clock
from codespaces_secrets.seam import Connect
from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.openapi import OpenApiSpec
from testkit import ActionRun, run_in_process, runner_env
from testkit.apiclient import ApiClient

# The action reads only the environment it is handed (action.main(environ)); the CLI,
# called in-process without one, reads the process's: its token, API root and CA bundle.
AMBIENT_PREFIXES = ("GITHUB_",)
AMBIENT_NAMES = ("GH_TOKEN", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

RunAction = Callable[..., ActionRun]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ambient token, API root or CA bundle of the machine reaches an in-process CLI."""
    for name in list(os.environ):
        if name.startswith(AMBIENT_PREFIXES) or name in AMBIENT_NAMES:
            monkeypatch.delenv(name)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A seeded emulator over plain HTTP on 127.0.0.1 (loopback http is allowed)."""
    with Emulator() as emu:
        yield emu


@pytest.fixture(scope="session")
def spec() -> OpenApiSpec:
    """GitHub's OpenAPI description of the endpoints (the emulator's own copy)."""
    return OpenApiSpec.load()


@pytest.fixture
def client(emulator: Emulator, spec: OpenApiSpec) -> Iterator[ApiClient]:
    """A client that checks every request and answer against the OpenAPI description.

    It talks to ``emulator``, so a test module that overrides ``emulator`` gets its client too.
    """
    checked = ApiClient(emulator, spec)
    with checked.session:
        yield checked


@pytest.fixture
def run_action(tmp_path: Path) -> RunAction:
    """Run the action in-process with runner-style inputs, output and summary files.

    ``run_action(emu, name="A", value="v")``: inputs as keywords (``_`` for ``-``);
    ``env={...}`` adds runner variables (``RUNNER_DEBUG``); ``clock=`` and ``connect=``
    replace the core's seams.
    """
    counter = itertools.count()

    def run(
        emu: Emulator | None = None,
        /,
        *,
        env: dict[str, str] | None = None,
        clock: Clock = SYSTEM_CLOCK,
        connect: Connect | None = None,
        **inputs: str,
    ) -> ActionRun:
        defaults = {"token": ADMIN_TOKEN, "org": "octo-org"}
        if emu is not None:
            defaults["api-url"] = emu.url
        named = {name.replace("_", "-"): value for name, value in inputs.items()}
        full = runner_env(tmp_path / f"run{next(counter)}", {**defaults, **named}, env or {})
        return run_in_process(full, connect=connect, clock=clock)

    return run
