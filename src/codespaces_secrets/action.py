"""The action's orchestration: inputs -> masks -> validation -> plan/apply -> report.

This is the single place that turns errors into annotations and an exit code.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from . import report
from .errors import ActionError
from .inputs import action_inputs, parse, workspace_from


def main(environ: Mapping[str, str] | None = None) -> int:
    """Run the action as the runner starts it; return the process exit code."""
    env = os.environ if environ is None else environ
    try:
        return _main(env)
    except ActionError as exc:
        report.failure(exc.title, str(exc), env)
    except Exception as exc:  # noqa: BLE001 - the last guard against a traceback in the log
        # Only the type: an exception's text could quote data that was never masked.
        report.failure(
            "Internal error",
            f"Unexpected {type(exc).__name__}. Nothing secret is shown; please report this "
            "with the step's inputs (not their values).",
            env,
        )
    return 1


def _main(env: Mapping[str, str]) -> int:
    raw = action_inputs(env)
    # Mask first: the token and the raw values, before anything else can be printed.
    first = [raw["token"], raw["value"], raw["secrets"]]
    report.mask(first)
    parsed = parse(raw, workspace=workspace_from(env), default_api_url=env.get("GITHUB_API_URL"))
    report.mask(value for value in parsed.values if value not in first)
    for notice in parsed.notices:
        report.notice(notice)
    for warning in parsed.warnings:
        report.warning(warning)
    if parsed.config is None:
        report.input_problems(parsed.problems, env)
        return 1
    config = parsed.config
    # Imported only now: a run that fails validation need not load nacl or the API client.
    from .apply import Events, run  # noqa: PLC0415
    from .github import GitHub  # noqa: PLC0415
    from .transport import Transport  # noqa: PLC0415

    debug = report.debug if report.debug_enabled(env) else _quiet
    transport = Transport(
        config.api_url, config.token, retry=config.retry, log=report.warning, debug=debug
    )
    try:
        result = run(config, GitHub(transport), Events(info=report.info, warning=report.warning))
    finally:
        transport.close()
    report.run_result(result, env)
    return 1 if result.failed else 0


def _quiet(_message: str) -> None:
    """Debug lines are dropped unless the run has debug logging on."""
