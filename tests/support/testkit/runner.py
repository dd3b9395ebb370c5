"""Run the action the way the runner does and read back what it wrote.

In-process runs call ``codespaces_secrets.action.main`` with a runner-style environment
mapping, real output and summary files and a log buffer (the ``Runner`` seam), plus the
core's seams (``connect``, ``clock``); subprocess runs start ``entrypoint.py`` exactly as
the container's ENTRYPOINT does. Nothing here touches ``os.environ``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codespaces_secrets.action import main, runner_from
from codespaces_secrets.clock import SYSTEM_CLOCK, Clock
from codespaces_secrets.seam import Connect

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class ActionRun:
    """What one run of the action produced."""

    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        """Everything the runner would show in the step's log."""
        return self.stdout + self.stderr

    @property
    def results(self) -> list[dict[str, Any]]:
        """The ``results`` output, parsed: one object per org, store and secret."""
        found: list[dict[str, Any]] = json.loads(self.outputs["results"])
        return found

    def commands(self, name: str) -> list[str]:
        """The messages of every ``::name ...::message`` workflow command printed."""
        pattern = re.compile(rf"^::{re.escape(name)}(?: [^:]*)?::(.*)$", re.MULTILINE)
        return pattern.findall(self.stdout)


def parse_output_file(text: str) -> dict[str, str]:
    """Read ``$GITHUB_OUTPUT`` as the runner does: ``name<<DELIM`` heredocs or ``name=value``."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            body: list[str] = []
            while lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def input_env(inputs: Mapping[str, str]) -> dict[str, str]:
    """INPUT_<NAME> variables as the runner sets them: upper-case, hyphens kept."""
    return {f"INPUT_{name.upper()}": value for name, value in inputs.items()}


def runner_env(
    workdir: Path, inputs: Mapping[str, str], extra: Mapping[str, str]
) -> dict[str, str]:
    """A minimal runner environment with fresh output and summary files under ``workdir``,
    and a ``RUNNER_TEMP`` as a runner sets it (the results-file goes to the workspace)."""
    files = workdir / "file_commands"
    files.mkdir(parents=True, exist_ok=True)
    temp = workdir / "runner_temp"
    temp.mkdir(exist_ok=True)
    output = files / "output"
    summary = files / "summary"
    output.write_text("")
    summary.write_text("")
    workspace = workdir / "workspace"
    workspace.mkdir(exist_ok=True)
    env = {
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTIONS": "true",
        "RUNNER_TEMP": str(temp),
    }
    env.update(input_env(inputs))
    env.update(extra)
    return env


def read_back(env: Mapping[str, str], exit_code: int, stdout: str, stderr: str) -> ActionRun:
    """Collect the outputs and summary files named in ``env``."""
    outputs = parse_output_file(Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8"))
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    return ActionRun(exit_code, stdout, stderr, outputs, summary)


def run_entrypoint(env: Mapping[str, str], timeout: float = 60) -> ActionRun:
    """Start ``entrypoint.py`` in a new process with only ``env`` (plus PATH)."""
    full = {"PATH": os.environ.get("PATH", ""), **env}
    done = subprocess.run(
        [sys.executable, str(ROOT / "entrypoint.py")],
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return read_back(env, done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class Measured:
    """A run in a child process, with its wall time and peak memory."""

    run: ActionRun
    seconds: float
    max_rss_mib: float


def run_measured(
    env: Mapping[str, str],
    argv: Sequence[str] | None = None,
    *,
    timeout: float = 120,
    signal_after: tuple[float, int] | None = None,
) -> Measured:
    """Start ``argv`` (default: ``entrypoint.py``) with only ``env`` (plus PATH) and
    measure it.

    Peak RSS is the child's own high-water mark (``VmHWM``), read from /proc while it
    runs: ``wait4``'s ``ru_maxrss`` would count this process's memory too, since Linux
    carries the pre-exec image's peak into the child. ``signal_after``: (seconds, signal
    number) to send once that long has passed. A child still running at ``timeout`` is
    killed and counted as exit code -9.
    """
    full = {"PATH": os.environ.get("PATH", ""), **env}
    command = list(argv or [sys.executable, str(ROOT / "entrypoint.py")])
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, env=full, stdout=out, stderr=err)
        peak = _PeakWatcher(child.pid)
        peak.start()
        if signal_after is not None:
            time.sleep(signal_after[0])
            child.send_signal(signal_after[1])
        killer = threading.Timer(timeout, child.kill)
        killer.start()
        try:
            if child.returncode is None:  # not reaped yet (send_signal polls first)
                _, status = os.waitpid(child.pid, 0)
                child.returncode = os.waitstatus_to_exitcode(status)
        finally:
            killer.cancel()
            peak.stop.set()
            peak.join()
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    run = read_back(env, child.returncode, stdout, stderr)
    return Measured(run, seconds, peak.kib / 1024)


class _PeakWatcher(threading.Thread):
    """Reads a process's ``VmHWM`` (peak resident set, KiB) every few milliseconds."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.stop = threading.Event()
        self.kib = 0

    def run(self) -> None:
        while True:
            self._read()
            if self.stop.wait(0.005):
                return

    def _read(self) -> None:
        try:
            text = self.status.read_text()
        except OSError:
            return  # gone (or a zombie without memory): the last reading stands
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                self.kib = max(self.kib, int(line.split()[1]))


def run_in_process(
    env: Mapping[str, str],
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ActionRun:
    """Run ``action.main`` on ``env`` (from ``runner_env``) with the given seams."""
    log = io.StringIO()
    code = main(env, runner_from(env, log=log), connect=connect, clock=clock)
    return read_back(env, code, log.getvalue(), "")
