"""``codespaces-org-secret action``: run the action on this machine exactly as the runner does.

The runner starts the container's entry point with one ``INPUT_<NAME>`` variable per input
of action.yml (upper-cased, hyphens kept: ``INPUT_VALUE-FILE``, which a shell cannot
``export``), each input's default filled in, and two files for the step's outputs
(``GITHUB_OUTPUT``) and summary (``GITHUB_STEP_SUMMARY``). This command builds that
environment from ``--input NAME=VALUE`` flags and an ``--inputs-file`` (a JSON object or
``NAME=value`` lines, the forms of the ``secrets`` input), starts the action's entry point
in a fresh process with it, lets its log through, then shows the two files.

The token, when no input gives one, is ``GH_TOKEN`` or ``GITHUB_TOKEN``; the CA bundle
and proxy variables pass through, as they would into a container that was given them.
Nothing else of this shell's environment does: a stray ``INPUT_*`` cannot change the run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..inputs import INPUT_NAMES
from ..secrets_text import parse_secrets_text
from ..suggest import did_you_mean
from ..valuefile import MAX_SECRETS_FILE_BYTES, ReadError, decode, read_bounded
from .args import PROG, UsageError, _Parser

# Each input's default in action.yml (a test keeps the two in step); api-url's is the
# runner's ${{ github.api_url }}: GITHUB_API_URL, else github.com's.
DEFAULTS = {
    "apps": "codespaces",
    "prune": "false",
    "dry-run": "false",
    "retry-wait-limit": "300",
    "run-time-limit": "30",
    "max-parallel": "8",
}
GITHUB_API = "https://api.github.com"
PASSED_THROUGH = (
    "PATH",
    "HOME",
    "LANG",
    "SYSTEMROOT",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "HTTPS_PROXY",
    "https_proxy",
    "NO_PROXY",
    "no_proxy",
    "RUNNER_DEBUG",
)
SECRET_INPUTS = ("token", "tokens", "value", "secrets")
ENTRY = "from codespaces_secrets.process import action; raise SystemExit(action())"


def build_parser() -> argparse.ArgumentParser:
    """The ``action`` command's flags."""
    parser = _Parser(
        prog=f"{PROG} action",
        description="Run the action as the GitHub runner does: INPUT_* variables with "
        "hyphens kept and every default filled in, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY "
        "files shown afterwards. The token defaults to GH_TOKEN or GITHUB_TOKEN.",
    )
    parser.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one input, as in the workflow's with: (repeatable; later wins)",
    )
    parser.add_argument(
        "--inputs-file",
        default="",
        metavar="FILE",
        help="inputs as a JSON object or NAME=value lines (quoted values may span lines)",
    )
    parser.add_argument(
        "--workspace", default="", metavar="DIR", help="GITHUB_WORKSPACE (default: here)"
    )
    return parser


def runner_environment(
    inputs: Mapping[str, str], env: Mapping[str, str], files: Path, workspace: Path
) -> dict[str, str]:
    """The environment the runner gives the action's process, for these inputs."""
    full = {name: DEFAULTS.get(name, "") for name in INPUT_NAMES}
    full["api-url"] = env.get("GITHUB_API_URL") or GITHUB_API
    full["token"] = env.get("GH_TOKEN") or env.get("GITHUB_TOKEN") or ""
    full |= inputs
    runner = {name: env[name] for name in PASSED_THROUGH if name in env}
    runner |= {f"INPUT_{name.upper()}": value for name, value in full.items()}
    runner |= {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_API_URL": full["api-url"],
        "GITHUB_OUTPUT": str(files / "output"),
        "GITHUB_STEP_SUMMARY": str(files / "summary.md"),
        "RUNNER_TEMP": str(files),  # as on a runner
    }
    return runner


def gather_inputs(args: argparse.Namespace) -> dict[str, str]:
    """The inputs from the file, then the flags; an unknown name is a ``UsageError``."""
    inputs: dict[str, str] = {}
    if args.inputs_file:
        try:
            text = decode(
                read_bounded(args.inputs_file, MAX_SECRETS_FILE_BYTES, allow_pipe=True),
                "--inputs-file",
            )
        except ReadError as exc:
            raise UsageError(f"--inputs-file: {exc}") from None
        parsed = parse_secrets_text(text)
        if parsed.problems:
            raise UsageError(f"--inputs-file: {'; '.join(parsed.problems)}")
        inputs |= {entry.key.lower(): entry.value for entry in parsed.entries}
    for item in args.input:
        name, equals, value = item.partition("=")
        if not equals:
            raise UsageError("--input takes NAME=VALUE (the value is not shown).")
        inputs[name.strip().lower()] = value
    for name in inputs:
        if name not in INPUT_NAMES:
            shown = name if name.replace("-", "").isalnum() and len(name) < 40 else "(not shown)"
            raise UsageError(
                f"{shown} is not an input of the action.{did_you_mean(name, INPUT_NAMES)}"
            )
    return inputs


def run_action(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run the action in a child process as the runner would; show its outputs and summary."""
    err = sys.stderr
    try:
        args, extras = build_parser().parse_known_args(list(argv))
        if extras:
            raise UsageError("an unexpected argument (not shown); inputs go in --input NAME=VALUE.")
        inputs = gather_inputs(args)
    except UsageError as exc:
        print(f"error: {exc}", file=err)
        return 2
    for item in args.input:
        if item.partition("=")[0].strip().lower() in SECRET_INPUTS:
            print(
                "note: a secret in --input sits in shell history; --inputs-file keeps it out.",
                file=err,
            )
            break
    workspace = Path(args.workspace or ".").resolve()
    with tempfile.TemporaryDirectory(prefix="runner-files-") as temporary:
        files = Path(temporary)
        for name in ("output", "summary.md"):
            (files / name).touch()
        environment = runner_environment(inputs, env, files, workspace)
        sys.stdout.flush()
        code = _run_masked(environment, workspace)
        output = (files / "output").read_text(encoding="utf-8", errors="replace")
        summary = (files / "summary.md").read_text(encoding="utf-8", errors="replace")
    print(f"\n--- GITHUB_OUTPUT ({len(output)} bytes) ---")
    print(output, end="" if output.endswith("\n") or not output else "\n")
    print(f"--- GITHUB_STEP_SUMMARY ({len(summary)} bytes) ---")
    print(summary, end="" if summary.endswith("\n") or not summary else "\n")
    print(f"--- exit status {code} ---")
    return code


def _run_masked(environment: Mapping[str, str], workspace: Path) -> int:
    """Start the entry point and pass its log on as the runner shows it: masked.

    The runner hides each ``::add-mask::`` command and replaces every later occurrence of
    a masked string with ``***``; a terminal would show both as they are.
    """
    masks: list[str] = []
    with subprocess.Popen(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", ENTRY],
        env=dict(environment),
        cwd=workspace,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as child:
        assert child.stdout is not None  # noqa: S101 - stdout=PIPE above
        for line in child.stdout:
            sys.stdout.write(_as_shown(line, masks))
            sys.stdout.flush()
        return child.wait()


def _as_shown(line: str, masks: list[str]) -> str:
    """One log line as the runner shows it; an ``::add-mask::`` adds to ``masks``."""
    if line.startswith("::add-mask::"):
        masks.append(_unescape(line.removeprefix("::add-mask::").rstrip("\n")))
        masks.sort(key=len, reverse=True)
        return "::add-mask::***\n"
    for mask in masks:
        for piece in mask.splitlines():
            if piece.strip():
                line = line.replace(piece, "***")
    return line


def _unescape(text: str) -> str:
    """A workflow command's data as the runner reads it (%0A, %0D, %25)."""
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
