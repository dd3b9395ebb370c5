"""The command-line tool: the same validation and core as the action, outside Actions.

Four commands: ``set`` (the default: create or update), ``delete NAME…``, ``list`` and
``action`` (the action itself, run as the runner runs it: see ``local``). The value never
comes from an argument; the token comes from ``GH_TOKEN`` or ``GITHUB_TOKEN``.

The environment is read here, once, and passed down as values: the token, the default
API root (``GITHUB_API_URL``), the CA bundle (``--ca``, else ``REQUESTS_CA_BUNDLE`` or
``CURL_CA_BUNDLE``) and whether a proxy is set. Progress and problems go to standard
error; the results table (or one JSON object) to standard output. Exit status: 0 done,
1 failed, 2 the command line is wrong, 128 + N when stopped by signal N.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO
from urllib.parse import urlsplit

from ..config import Config
from ..core import execute, inventory
from ..errors import Interrupted, quoted
from ..inputs import parse
from ..netenv import network_from
from ..results import RunResult
from ..signals import Stop, interruptible
from .args import (
    CLI_TERMS,
    FLAGS,
    FileError,
    PromptEndedError,
    UsageError,
    parse_command_line,
    raw_inputs,
)
from .output import StreamEvents, in_cli_terms, print_listing, print_result

Resolve = Callable[[str, int], object]
_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    resolve: Resolve = socket.getaddrinfo,
) -> int:
    """Run the CLI; return its exit code. Every argument is a seam with the process default.

    ``resolve`` looks a host name up (``socket.getaddrinfo``): the API host is resolved
    once before anything else, so a typo or a machine without DNS fails in a moment
    instead of through every retry of every request.
    """
    env = os.environ if environ is None else environ
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["action"]:
        from .local import run_action  # noqa: PLC0415 - only this command needs it

        return run_action(args_list[1:], env)
    as_json = "--json" in args_list
    listing = args_list[:1] == ["list"]
    out, err = sys.stdout, sys.stderr
    with interruptible() as stop:
        try:
            return _run(args_list, stdin or sys.stdin, env, resolve, stop, out, err)
        except UsageError as exc:
            print(f"error: {exc}", file=err)
            print("Nothing was written. See --help.", file=err)
            _failure_document(out, as_json, [str(exc)], listing=listing)
            return 2
        except Interrupted:
            name = signal.Signals(stop.signum or signal.SIGINT).name
            print(f"interrupted ({name}) before anything was written.", file=err)
            _failure_document(out, as_json, [], interrupted=True, listing=listing)
            return stop.exit_code


class _RefusedError(Exception):
    """The run stops before anything is written: every reason, and the exit status."""

    def __init__(self, reasons: list[str], code: int = 1, *, interrupted: bool = False) -> None:
        super().__init__(*reasons)
        self.reasons, self.code, self.interrupted = reasons, code, interrupted


def _run(
    args_list: list[str],
    stdin: TextIO,
    env: Mapping[str, str],
    resolve: Resolve,
    stop: Stop,
    out: TextIO,
    err: TextIO,
) -> int:
    args = parse_command_line(args_list)
    header = not args.no_header
    try:
        config = _config(args, env, stdin, resolve, err)
    except _RefusedError as exc:
        if exc.code != 130:
            print("Nothing was written.", file=err)
        _failure_document(
            out,
            args.json,
            listing=args.command == "list",
            errors=exc.reasons,
            interrupted=exc.interrupted,
        )
        return exc.code
    if args.command == "list":
        return _list(config, args.json, header, stop, out, err)
    result: RunResult | None = None
    # The front door returns what it finished when interrupted; an Interrupted that
    # escapes it came before there was anything to report.
    try:
        result = execute(config, StreamEvents(err))
    except Interrupted:
        result = None
    if result is None or stop.signum is not None:
        print(f"interrupted ({signal.Signals(stop.signum or signal.SIGINT).name})", file=err)
        print_result(result, [], out, as_json=args.json, header=header, interrupted=True)
        return stop.exit_code
    for error in result.errors:
        print(f"error: {in_cli_terms(error)}", file=err)
    print_result(result, [], out, as_json=args.json, header=header)
    return 1 if result.failed else 0


def _config(
    args: argparse.Namespace,
    env: Mapping[str, str],
    stdin: TextIO,
    resolve: Resolve,
    err: TextIO,
) -> Config:
    """The validated run, or ``_RefusedError`` with every reason (printed here, on ``err``)."""
    token = env.get("GH_TOKEN") or env.get("GITHUB_TOKEN") or ""
    try:
        if args.ca:
            _check_ca(args.ca)
        raw = raw_inputs(args, token, stdin, err)
    except FileError as exc:
        message = f"{exc.flag}: {exc}"
        print(f"error: {message}", file=err)
        raise _RefusedError([message]) from None
    except PromptEndedError as exc:
        print(exc, file=err)
        raise _RefusedError([str(exc)], exc.code, interrupted=exc.code != 1) from None
    parsed = parse(
        raw,
        workspace=None,
        default_api_url=env.get("GITHUB_API_URL"),
        listing=args.command == "list",
        terms=CLI_TERMS,
    )
    for line in parsed.notices:
        print(f"note: {line}", file=err)
    for line in parsed.warnings:
        print(f"warning: {line}", file=err)
    if parsed.config is None:
        problems = [f"{FLAGS[p.input]}: {p.message}" for p in parsed.problems]
        for problem in problems:
            print(f"error: {problem}", file=err)
        raise _RefusedError(problems)
    unresolved = _unresolvable(parsed.config.access.api_url, env, resolve)
    if unresolved:
        print(f"error: {unresolved}", file=err)
        raise _RefusedError([unresolved])
    access = parsed.config.access
    network = network_from(env, access.api_url, ca=args.ca or None)
    return parsed.config._replace(access=access._replace(network=network))


def _list(config: Config, as_json: bool, header: bool, stop: Stop, out: TextIO, err: TextIO) -> int:
    job = config.job
    try:
        listed, errors = inventory(config.access, job.orgs, job.stores, StreamEvents(err))
    except Interrupted:
        print(f"interrupted ({signal.Signals(stop.signum or signal.SIGINT).name})", file=err)
        print_listing([], [], out, as_json=as_json, header=header, interrupted=True)
        return stop.exit_code
    errors = [in_cli_terms(error) for error in errors]
    for error in errors:
        print(f"error: {error}", file=err)
    print_listing(listed, errors, out, as_json=as_json, header=header)
    return 1 if errors else 0


def _check_ca(path: str) -> None:
    if not os.path.isfile(path):
        raise FileError("--ca", f"{quoted(path)} is not a readable file (a PEM bundle of CAs).")
    if not os.access(path, os.R_OK):
        raise FileError("--ca", f"{quoted(path)} cannot be read.")


def _unresolvable(api_url: str, env: Mapping[str, str], resolve: Resolve) -> str:
    """Why the API host cannot be reached by name, or '' (loopback, an address, a proxy)."""
    parts = urlsplit(api_url)
    host = parts.hostname or ""
    if not host or host == "localhost" or any(env.get(name) for name in _PROXY_VARIABLES):
        return ""  # behind a proxy, the proxy resolves the name
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return ""
    try:
        resolve(host, parts.port or 443)
    except (OSError, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "lookup failed"
        return (
            f"cannot resolve {host} ({reason}): check the network and DNS. For GitHub "
            "Enterprise or a local emulator, pass --api-url (or set GITHUB_API_URL)."
        )
    return ""


def _failure_document(
    out: TextIO,
    as_json: bool,
    errors: list[str],
    *,
    interrupted: bool = False,
    listing: bool = False,
) -> None:
    """With --json, the complete object even when nothing ran (no rows, every error)."""
    if as_json:
        document: dict[str, object] = {"status": "failed", "dry_run": False}
        if listing:
            document = {"interrupted": interrupted, "secrets": [], "errors": errors}
        else:
            document |= {"interrupted": interrupted, "results": [], "errors": errors}
        print(json.dumps(document, indent=2), file=out)
