"""The action adapter: the runner's world (INPUT_* variables, file commands) to the core.

Reads the inputs, masks, validates, calls the front door and reports. The one place an
action run turns errors into annotations and an exit code.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from .clock import SYSTEM_CLOCK, Clock
from .core import execute
from .errors import ActionError, Interrupted
from .inputs import INPUT_NAMES, parse
from .ledger import Ledger
from .netenv import network_from
from .report import Report, Runner
from .results import RunResult
from .seam import Connect
from .signals import Stop, interruptible


def main(
    environ: Mapping[str, str] | None = None,
    runner: Runner | None = None,
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """Run the action as the runner starts it; return the process exit code.

    Every argument is a seam with the runner's own default: the environment, where the
    runner listens, how to connect to GitHub and how time passes.
    """
    env = os.environ if environ is None else environ
    report = Report(runner or runner_from(env))
    with interruptible() as stop:
        code = _guarded(env, report, connect, clock, stop)
    return 1 if code == 0 and report.file_error else code


def _guarded(
    env: Mapping[str, str], report: Report, connect: Connect | None, clock: Clock, stop: Stop
) -> int:
    """Run and report; whatever happens, return an exit code without raising."""
    # Outcomes land here as they are known, so a signal at any instant loses none.
    ledger = Ledger()
    try:
        try:
            return _main(env, report, connect, clock, stop, ledger)
        except ActionError as exc:
            stop.reporting = True
            report.failure(exc.title, str(exc))
        except Interrupted as exc:  # outside the front door, which returns what it knows
            stop.reporting = True
            known = ledger.results()
            report.interrupted(exc.signum, RunResult(known, interrupted=True) if known else None)
            return stop.exit_code
        except Exception as exc:  # noqa: BLE001 - the last guard against a traceback in the log
            # Only the type: an exception's text could quote data that was never masked.
            report.failure(
                "Internal error",
                f"Unexpected {type(exc).__name__}. Nothing secret is shown; please report "
                "this with the step's inputs (not their values).",
            )
    except Interrupted:  # a signal while a failure was being reported
        return stop.exit_code
    except BaseException:  # noqa: BLE001 - reporting itself failed (the log is gone?)
        _last_words()
    return 1


def _last_words() -> None:
    """One line on standard error when even reporting failed; never raises."""
    with contextlib.suppress(BaseException):
        sys.stderr.write("Error: the action failed and could not report why.\n")


def _main(
    env: Mapping[str, str],
    report: Report,
    connect: Connect | None,
    clock: Clock,
    stop: Stop,
    ledger: Ledger,
) -> int:
    raw = action_inputs(env)
    # Mask first: the token and the raw values, before anything else can be printed.
    first = [raw["token"], raw["tokens"], raw["value"], raw["secrets"]]
    report.mask(first)
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    parsed = parse(raw, workspace=workspace, default_api_url=env.get("GITHUB_API_URL"))
    report.mask(value for value in parsed.values if value not in first)
    for notice in parsed.notices:
        report.notice(notice)
    for warning in parsed.warnings:
        report.warning(warning)
    if parsed.config is None:
        report.input_problems(parsed.problems)
        return 1
    access = parsed.config.access
    network = network_from(env, access.api_url)
    config = parsed.config._replace(access=access._replace(network=network))
    result = execute(config, report, connect=connect, clock=clock, ledger=ledger)
    stop.reporting = True  # from here on, the outputs are written once, whatever comes
    if stop.signum is not None:
        report.interrupted(stop.signum, result._replace(interrupted=True))
        return stop.exit_code
    report.run_result(result)
    return 1 if result.failed else 0


def action_inputs(environ: Mapping[str, str]) -> dict[str, str]:
    """Every declared input as the runner passes it: INPUT_<NAME>, upper-case, hyphens kept."""
    return {name: environ.get(f"INPUT_{name.upper()}", "") for name in INPUT_NAMES}


def runner_from(environ: Mapping[str, str], log: TextIO | None = None) -> Runner:
    """Where the runner listens: the log (standard output) and the file-command paths."""
    output = environ.get("GITHUB_OUTPUT")
    summary = environ.get("GITHUB_STEP_SUMMARY")
    return Runner(
        log=log or sys.stdout,
        output=Path(output) if output else None,
        summary=Path(summary) if summary else None,
        # Re-run with debug logging sets RUNNER_DEBUG; the older secret ACTIONS_STEP_DEBUG.
        debug=environ.get("RUNNER_DEBUG") == "1" or environ.get("ACTIONS_STEP_DEBUG") == "true",
        workspace=Path(environ["GITHUB_WORKSPACE"]) if environ.get("GITHUB_WORKSPACE") else None,
    )
