"""The command-line tool: the same validation and core as the action, outside Actions.

Three commands: ``set`` (the default: create or update), ``delete NAME…`` and ``list``.
The value never comes from an argument (it would sit in shell history and ``ps``): it is
read from a file or standard input, without echo at a terminal. The token comes from
``GH_TOKEN`` or ``GITHUB_TOKEN`` (per-org tokens from ``--tokens-file``). Progress goes to
standard error; the results table (or JSON) to standard output. Messages name the flags
the user typed, not the action's inputs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

from ..core import execute, inventory
from ..errors import Interrupted
from ..inputs import parse
from ..netenv import network_from
from ..results import RunResult
from ..signals import interruptible
from .args import COMMANDS, FLAGS, FileError, build_parser, raw_inputs
from .output import StreamEvents, in_cli_terms, print_listing, print_result


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None) -> int:
    """Run the CLI; return its exit code (0 success, 1 failure, 2 usage)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "set")
    args = build_parser().parse_args(args_list)
    err = sys.stderr
    try:
        raw = raw_inputs(args, stdin or sys.stdin, err)
    except FileError as exc:
        print(f"error: {exc.flag}: {exc}", file=err)
        print("Nothing was written.", file=err)
        return 1
    parsed = parse(
        raw,
        workspace=None,
        default_api_url=os.environ.get("GITHUB_API_URL"),
        listing=args.command == "list",
    )
    for line in (*parsed.notices, *parsed.warnings):
        print(f"note: {in_cli_terms(line)}", file=err)
    if parsed.config is None:
        for problem in parsed.problems:
            print(f"error: {FLAGS[problem.input]}: {in_cli_terms(problem.message)}", file=err)
        print("Nothing was written.", file=err)
        return 1
    access = parsed.config.access
    network = network_from(os.environ, access.api_url)
    config = parsed.config._replace(access=access._replace(network=network))
    if args.command == "list":
        job = config.job
        listed, errors = inventory(config.access, job.orgs, job.stores, StreamEvents(err))
        for error in errors:
            print(f"error: {in_cli_terms(error)}", file=err)
        print_listing(listed, as_json=args.json)
        return 1 if errors else 0
    result: RunResult | None = None
    # The front door returns what it finished when interrupted; an Interrupted that
    # escapes it came before there was anything to report.
    with interruptible() as stop, contextlib.suppress(Interrupted):
        result = execute(config, StreamEvents(err))
    if result is None or stop.signum is not None:
        print(f"interrupted ({signal.Signals(stop.signum or signal.SIGINT).name})", file=err)
        if result is not None:
            print_result(result, as_json=args.json)
        return stop.exit_code
    for error in result.errors:
        print(f"error: {in_cli_terms(error)}", file=err)
    print_result(result, as_json=args.json)
    return 1 if result.failed else 0
