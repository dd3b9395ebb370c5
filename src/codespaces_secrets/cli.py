"""The command-line tool: the same validation and core as the action, outside Actions.

The value never comes from an argument (it would sit in shell history and ``ps``):
it is read from a file or standard input. The token comes from ``GH_TOKEN`` or
``GITHUB_TOKEN``. Progress goes to standard error; the results table (or JSON) to
standard output.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from . import __version__
from .core import execute
from .errors import Interrupted
from .inputs import parse
from .results import RunResult
from .signals import interruptible

# How each input is called on the command line, so errors name what the user typed.
FLAGS = {
    "token": "GH_TOKEN",
    "org": "--org",
    "name": "--name",
    "value": "standard input",
    "value-file": "--value-file",
    "secrets": "--secrets-file",
    "include": "--include",
    "visibility": "--visibility",
    "repositories": "--repository",
    "api-url": "--api-url",
    "dry-run": "--dry-run",
    "retry-wait-limit": "--retry-wait-limit",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so the README and tests can show its help)."""
    parser = argparse.ArgumentParser(
        prog="codespaces-org-secret",
        description="Create or update GitHub Codespaces organization secrets. The token is "
        "read from GH_TOKEN or GITHUB_TOKEN; a single value from --value-file or standard "
        "input.",
    )
    parser.add_argument("--org", action="append", required=True, help="organization (repeatable)")
    parser.add_argument("--name", default="", help="secret name (single-secret mode)")
    parser.add_argument(
        "--value-file", default="", help="file holding the exact value ('-': stdin)"
    )
    parser.add_argument("--secrets-file", default="", help="JSON object or dotenv file (batch)")
    parser.add_argument("--include", action="append", default=[], help="glob of names to write")
    parser.add_argument("--visibility", default="", choices=["", "all", "private", "selected"])
    parser.add_argument("--repository", action="append", default=[], help="name, org/name or ID")
    parser.add_argument("--api-url", default="", help="REST API root (default: GITHUB_API_URL)")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would happen; write nothing"
    )
    parser.add_argument("--retry-wait-limit", default="", help="seconds the run may lose to faults")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run the CLI; return its exit code (0 success, 1 failure, 2 usage)."""
    args = build_parser().parse_args(argv)
    err = sys.stderr
    try:
        raw = _raw_inputs(args, stdin or sys.stdin)
    except OSError as exc:
        print(f"error: cannot read {exc.filename or 'standard input'}: {exc.strerror}", file=err)
        return 1
    except UnicodeDecodeError:
        print("error: the value or secrets file is not UTF-8 text.", file=err)
        return 1
    parsed = parse(raw, workspace=None, default_api_url=os.environ.get("GITHUB_API_URL"))
    for line in (*parsed.notices, *parsed.warnings):
        print(f"note: {line}", file=err)
    if parsed.config is None:
        for problem in parsed.problems:
            print(f"error: {FLAGS[problem.input]}: {problem.message}", file=err)
        print("Nothing was written.", file=err)
        return 1
    result: RunResult | None = None
    # The front door returns what it finished when interrupted; an Interrupted that
    # escapes it came before there was anything to report.
    with interruptible() as stop, contextlib.suppress(Interrupted):
        result = execute(parsed.config, StreamEvents(err))
    if result is None or stop.signum is not None:
        print(f"interrupted ({signal.Signals(stop.signum or signal.SIGINT).name})", file=err)
        if result is not None:
            _print_result(result, as_json=args.json)
        return stop.exit_code
    for error in result.errors:
        print(f"error: {error}", file=err)
    _print_result(result, as_json=args.json)
    return 1 if result.failed else 0


def _raw_inputs(args: argparse.Namespace, stdin: TextIO) -> dict[str, str]:
    value = ""
    value_file = args.value_file
    if args.name and value_file in ("", "-"):
        # Standard input, read whole and verbatim: trailing newlines are part of the value.
        if stdin.isatty():
            print("Enter the value, then Ctrl-D:", file=sys.stderr)
        value = stdin.buffer.read().decode("utf-8") if hasattr(stdin, "buffer") else stdin.read()
        value_file = ""
    secrets = ""
    if args.secrets_file:
        with open(args.secrets_file, encoding="utf-8") as handle:
            secrets = handle.read()
    return {
        "token": os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or "",
        "org": "\n".join(args.org),
        "name": args.name,
        "value": value,
        "value-file": value_file,
        "secrets": secrets,
        "include": "\n".join(args.include),
        "visibility": args.visibility,
        "repositories": "\n".join(args.repository),
        "api-url": args.api_url,
        "dry-run": "true" if args.dry_run else "false",
        "retry-wait-limit": args.retry_wait_limit,
    }


def _print_result(result: RunResult, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.as_output() for r in result.results], indent=2))
        return
    for r in result.results:
        names = ", ".join(x.full_name for x in r.repositories)
        repos = f" [{names}]" if names else ""
        visibility = r.visibility.value if r.visibility else "-"
        error = f"  {r.error}" if r.error else ""
        print(f"{r.org}\t{r.name}\t{r.status.value}\t{visibility}{repos}{error}")


@dataclass(frozen=True)
class StreamEvents:
    """The core's events as lines on one stream (standard error); no debug lines."""

    stream: TextIO

    def info(self, message: str) -> None:
        """Progress, as is."""
        print(message, file=self.stream)

    def warning(self, message: str) -> None:
        """A warning, marked as one."""
        print(f"warning: {message}", file=self.stream)

    def retry(self, message: str) -> None:
        """A retried fault, as a plain progress line."""
        print(message, file=self.stream)

    def debug(self, message: str) -> None:
        """The CLI prints no per-request debug lines."""
