"""The command line's flags and files, turned into the action's raw inputs.

The value never comes from an argument (it would sit in shell history and ``ps``): it is
read from a file or standard input, without echo at a terminal. The token comes from
``GH_TOKEN`` or ``GITHUB_TOKEN`` (per-org tokens from ``--tokens-file``). A file that
cannot be used is a ``FileError`` naming its flag.
"""

from __future__ import annotations

import argparse
import getpass
import os
from typing import TextIO

from .. import __version__
from ..config import Store

# How each input is called on the command line, so errors name what the user typed.
FLAGS = {
    "token": "GH_TOKEN",
    "tokens": "--tokens-file",
    "org": "--org",
    "apps": "--app",
    "name": "--name",
    "value": "the value (standard input)",
    "value-file": "--value-file",
    "secrets": "--secrets-file",
    "include": "--include",
    "delete": "delete NAME",
    "prune": "--prune",
    "visibility": "--visibility",
    "repositories": "--repository",
    "api-url": "--api-url",
    "dry-run": "--dry-run",
    "retry-wait-limit": "--retry-wait-limit",
    "run-time-limit": "--run-time-limit",
    "max-parallel": "--max-parallel",
}
COMMANDS = ("set", "delete", "list")
PROG = "codespaces-org-secret"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so the README and tests can show its help)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Create, update, delete and list GitHub organization secrets "
        "(Codespaces by default; --app for Dependabot, Actions, agents). The token is read "
        "from GH_TOKEN or GITHUB_TOKEN; a single value from --value-file or standard input. "
        "Without a command, 'set' is meant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{set,delete,list}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--org", action="append", required=True, help="organization (repeatable)")
    common.add_argument(
        "--app",
        action="append",
        default=[],
        choices=[s.value for s in Store],
        help="secret store (repeatable; default codespaces)",
    )
    common.add_argument("--tokens-file", default="", help="org=token lines or a JSON object")
    common.add_argument("--api-url", default="", help="REST API root (default: GITHUB_API_URL)")
    common.add_argument("--retry-wait-limit", default="", help="seconds the run may lose to faults")
    common.add_argument(
        "--run-time-limit", default="", help="minutes the writes may take (default 30)"
    )
    common.add_argument(
        "--max-parallel", default="", help="tokens worked at the same time (default 8)"
    )
    common.add_argument("--json", action="store_true", help="print the results as JSON")
    writes = argparse.ArgumentParser(add_help=False)
    writes.add_argument("--dry-run", action="store_true", help="show what would happen only")
    put = commands.add_parser("set", parents=[common, writes], help="create or update (default)")
    put.add_argument("--name", default="", help="secret name (single-secret mode)")
    put.add_argument("--value-file", default="", help="file holding the exact value ('-': stdin)")
    put.add_argument("--secrets-file", default="", help="JSON object or dotenv file (batch)")
    put.add_argument("--include", action="append", default=[], help="glob of names to write")
    put.add_argument(
        "--prune",
        action="store_true",
        help="delete existing secrets --include matches but the file lacks",
    )
    put.add_argument("--visibility", default="", choices=["", "all", "private", "selected"])
    put.add_argument("--repository", action="append", default=[], help="name, org/name or ID")
    remove = commands.add_parser("delete", parents=[common, writes], help="delete secrets")
    remove.add_argument("names", nargs="+", metavar="NAME", help="secret names to delete")
    commands.add_parser("list", parents=[common], help="list secrets (never values)")
    return parser


def raw_inputs(args: argparse.Namespace, stdin: TextIO, err: TextIO) -> dict[str, str]:
    """The CLI's flags and files as the action's raw inputs, for the same validation."""
    raw = {
        "token": os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN") or "",
        "tokens": _read(args.tokens_file, "--tokens-file"),
        "org": "\n".join(args.org),
        "apps": "\n".join(args.app),
        "api-url": args.api_url,
        "retry-wait-limit": args.retry_wait_limit,
        "run-time-limit": args.run_time_limit,
        "max-parallel": args.max_parallel,
        "dry-run": "true" if getattr(args, "dry_run", False) else "false",
    }
    if args.command == "delete":
        raw["delete"] = "\n".join(args.names)
    elif args.command != "list":
        raw |= _set_inputs(args, stdin, err)
    return raw


def _set_inputs(args: argparse.Namespace, stdin: TextIO, err: TextIO) -> dict[str, str]:
    value = ""
    value_file = args.value_file
    if args.name and value_file in ("", "-"):
        value = _read_value(stdin, err)
        value_file = ""
    return {
        "name": args.name,
        "value": value,
        "value-file": value_file,
        "secrets": _read(args.secrets_file, "--secrets-file"),
        "include": "\n".join(args.include),
        "prune": "true" if args.prune else "false",
        "visibility": args.visibility,
        "repositories": "\n".join(args.repository),
    }


class FileError(Exception):
    """A file named on the command line (or standard input) cannot be used."""

    def __init__(self, flag: str, message: str) -> None:
        super().__init__(message)
        self.flag = flag


def _read_value(stdin: TextIO, err: TextIO) -> str:
    """The value from standard input, verbatim; typed at a terminal, without echo."""
    if stdin.isatty():
        return getpass.getpass("Value (not shown): ", stream=err)
    # Read whole and verbatim: trailing newlines are part of the value.
    try:
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        value = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError("standard input", "the value is not UTF-8 text.") from exc
    if value.endswith("\n"):
        print(
            "note: the value ends with a newline, which is kept as part of it "
            "(use printf '%s' or echo -n to leave it out).",
            file=err,
        )
    return value


def _read(path: str, flag: str) -> str:
    """A whole file named by ``flag``; an empty one is a problem, not a silent no-op."""
    if not path:
        return ""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise FileError(flag, f"cannot read {path!r}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise FileError(flag, f"{path!r} is not UTF-8 text.") from exc
    if not text.strip():
        raise FileError(flag, f"{path!r} is empty.")
    return text
