"""The command line's flags and files, turned into the action's raw inputs.

The value never comes from an argument (it would sit in shell history and ``ps``): it is
read from a file or standard input, without echo at a terminal. Nothing here reads the
environment: the adapter (``cli.main``) reads it once and passes the token down.

Each command has its own flags only (``list --help`` offers nothing it ignores), and no
flag may be abbreviated: with abbreviations, ``--value=…`` was taken for ``--value-file``
and the value was printed in the error. Unknown flags and stray arguments are reported
here, in words that echo nothing after an ``=`` and no positional argument at all (either
could be a value typed by mistake), with a suggestion for a near miss.

Every file (and standard input) is read with a bound and must be a regular file or a
pipe: see ``valuefile``. A file that cannot be used is a ``FileError`` naming its flag.
"""

from __future__ import annotations

import argparse
import getpass
import re
from collections.abc import Sequence
from typing import NoReturn, TextIO

from .. import __version__
from ..config import MAX_VALUE_BYTES
from ..errors import quoted
from ..inputs import Terms
from ..suggest import suggest
from ..valuefile import (
    MAX_SECRETS_FILE_BYTES,
    MAX_TOKENS_FILE_BYTES,
    ReadError,
    decode,
    read_bounded,
    read_stream,
)

# How each input is called on the command line, so messages name what the user typed.
FLAGS = {
    "token": "GH_TOKEN",
    "tokens": "--tokens-file",
    "org": "--org",
    "apps": "--app",
    "name": "--name",
    "value": "the value (standard input)",
    "value-file": "--value-file",
    "secrets": "--secrets-file",
    "secrets-file": "--secrets-file",
    "include": "--include",
    "delete": "the delete command",
    "prune": "--prune",
    "prune-limit": "--prune-limit",
    "visibility": "--visibility",
    "repositories": "--repository",
    "api-url": "--api-url",
    "dry-run": "--dry-run",
    "retry-wait-limit": "--retry-wait-limit",
    "run-time-limit": "--run-time-limit",
    "max-parallel": "--max-parallel",
}
CLI_TERMS = Terms({**FLAGS, "value": "the value"}, cli=True)
COMMANDS = ("set", "delete", "list", "action")
PROG = "codespaces-org-secret"
_FLAG_SHAPE = re.compile(r"--?[A-Za-z][A-Za-z0-9-]{0,40}")
# Flags people reach for that do not exist on purpose, and what to do instead.
_NOT_FLAGS = {
    "--value": "the value is never taken from an argument (it would sit in shell history "
    "and ps): pipe it on standard input, type it at the prompt, or use --value-file FILE",
    "--token": "the token is never taken from an argument: set GH_TOKEN (or GITHUB_TOKEN), "
    "or give per-org tokens in --tokens-file FILE",
}


class UsageError(Exception):
    """The command line itself is wrong (exit status 2); the message echoes no value."""


class FileError(Exception):
    """A file named on the command line (or standard input) cannot be used."""

    def __init__(self, flag: str, message: str) -> None:
        super().__init__(message)
        self.flag = flag


class PromptEndedError(Exception):
    """The value prompt was left with Ctrl-C (exit 130) or Ctrl-D (exit 1)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse without abbreviations, whose errors are raised (and scrubbed), not printed."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(allow_abbrev=False, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        # argparse quotes what was typed ("ignored explicit argument 'x'"): keep none of it.
        raise UsageError(re.sub(r"'[^']*'", "(not shown)", message) + ".")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (separate so the README and tests can show its help)."""
    parser = _Parser(
        prog=PROG,
        description="Create, update, delete and list GitHub organization secrets "
        "(Codespaces by default; --app for Dependabot, Actions, agents). The token is read "
        "from GH_TOKEN or GITHUB_TOKEN; a single value from --value-file or standard input. "
        "Without a command, 'set' is meant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="{set,delete,list,action}", parser_class=_Parser
    )
    put = commands.add_parser("set", help="create or update (default)")
    _common(put, writes=True)
    put.add_argument("--name", default="", help="secret name (single-secret mode)")
    put.add_argument("--value-file", default="", help="file holding the exact value ('-': stdin)")
    put.add_argument(
        "--secrets-file",
        default="",
        help="JSON object or dotenv file, or a pipe (batch; at most 4 MiB)",
    )
    put.add_argument("--include", action="append", default=[], help="glob of names to write")
    put.add_argument(
        "--prune",
        action="store_true",
        help="delete existing secrets --include matches but the file lacks",
    )
    put.add_argument(
        "--prune-limit",
        default="",
        metavar="N",
        help="most secrets --prune may delete per org and store (default: the safety catch)",
    )
    put.add_argument("--visibility", default="", help="all, private or selected")
    put.add_argument("--repository", action="append", default=[], help="name, org/name or ID")
    remove = commands.add_parser("delete", help="delete secrets")
    _common(remove, writes=True)
    remove.add_argument("names", nargs="+", metavar="NAME", help="secret names to delete")
    listing = commands.add_parser("list", help="list secrets (never values)")
    _common(listing, writes=False)
    commands.add_parser(
        "action",
        help="run the action as the runner does (see 'action --help')",
        add_help=False,
    )
    return parser


def _common(parser: argparse.ArgumentParser, *, writes: bool) -> None:
    """The flags every command has; ``writes``: also those only writes use."""
    parser.add_argument("--org", action="append", required=True, help="organization (repeatable)")
    parser.add_argument(
        "--app",
        action="append",
        default=[],
        metavar="STORE",
        help="codespaces (default), dependabot, actions or agents (repeatable)",
    )
    parser.add_argument(
        "--tokens-file", default="", help="org=token lines or a JSON object (at most 64 KiB)"
    )
    parser.add_argument("--api-url", default="", help="REST API root (default: GITHUB_API_URL)")
    parser.add_argument(
        "--ca",
        default="",
        metavar="FILE",
        help="CA bundle to trust (default: REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, else the "
        "system's)",
    )
    parser.add_argument("--retry-wait-limit", default="", help="seconds the run may lose to faults")
    if writes:
        parser.add_argument(
            "--run-time-limit", default="", help="minutes the writes may take (default 30)"
        )
        parser.add_argument(
            "--max-parallel", default="", help="tokens worked at the same time (default 8)"
        )
        parser.add_argument("--dry-run", action="store_true", help="show what would happen only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-header", action="store_true", help="no header line on the table")


def parse_command_line(argv: Sequence[str]) -> argparse.Namespace:
    """The flags of ``argv`` (``set`` when no command is named), or a ``UsageError``."""
    args_list = list(argv)
    first = args_list[0] if args_list else ""
    if first not in (*COMMANDS, "-h", "--help", "--version"):
        if first and not first.startswith("-"):
            # A near miss of a command ('remove') is a word, not a value: say which one.
            meant = suggest(first, COMMANDS)
            if meant:
                raise UsageError(f"unknown command; did you mean '{meant}'?")
        args_list.insert(0, "set")
    parser = build_parser()
    args, extras = parser.parse_known_args(args_list)
    if extras:
        raise UsageError(_explain_extras(extras, _flags_of(parser, args.command)))
    return args


def _flags_of(parser: argparse.ArgumentParser, command: str) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub = action.choices[command]
            return [flag for a in sub._actions for flag in a.option_strings]
    return []


def _explain_extras(extras: list[str], flags: list[str]) -> str:
    """Why the first stray argument is wrong, echoing a flag's name at most, never a value."""
    extra = extras[0]
    if not extra.startswith("-"):
        return (
            "an unexpected argument (not shown). Values are never taken from arguments: "
            "pipe the value on standard input or use --value-file FILE; secret names to "
            "delete go after the delete command."
        )
    name = extra.split("=", 1)[0]
    if name in _NOT_FLAGS:
        return f"{name} is not a flag: {_NOT_FLAGS[name]}."
    if not _FLAG_SHAPE.fullmatch(name):
        return "an unknown flag (not shown)."
    meant = suggest(name, flags)
    hint = f" Did you mean {meant}?" if meant else " See --help for this command's flags."
    return f"unknown flag {name}.{hint}"


def raw_inputs(args: argparse.Namespace, token: str, stdin: TextIO, err: TextIO) -> dict[str, str]:
    """The CLI's flags and files as the action's raw inputs, for the same validation."""
    raw = {
        "token": token,
        "tokens": _read(args.tokens_file, "--tokens-file", MAX_TOKENS_FILE_BYTES),
        "org": "\n".join(args.org),
        "apps": "\n".join(args.app),
        "api-url": args.api_url,
        "retry-wait-limit": args.retry_wait_limit,
        "run-time-limit": getattr(args, "run_time_limit", ""),
        "max-parallel": getattr(args, "max_parallel", ""),
        "dry-run": "true" if getattr(args, "dry_run", False) else "false",
    }
    if args.command == "delete":
        raw["delete"] = "\n".join(args.names)
    elif args.command == "set":
        raw |= _set_inputs(args, stdin, err)
    return raw


def _set_inputs(args: argparse.Namespace, stdin: TextIO, err: TextIO) -> dict[str, str]:
    value = ""
    value_file = args.value_file
    if args.name and not args.secrets_file and value_file in ("", "-"):
        value = _read_value(stdin, err)
        value_file = ""
    return {
        "name": args.name,
        "value": value,
        "value-file": value_file,
        "secrets": _read(args.secrets_file, "--secrets-file", MAX_SECRETS_FILE_BYTES),
        "include": "\n".join(args.include),
        "prune": "true" if args.prune else "false",
        "prune-limit": args.prune_limit,
        "visibility": args.visibility,
        "repositories": "\n".join(args.repository),
    }


def _read_value(stdin: TextIO, err: TextIO) -> str:
    """The value from standard input, verbatim and bounded; at a terminal, without echo."""
    if stdin.isatty():
        try:
            return getpass.getpass("Value (not shown): ", stream=err)
        except EOFError:
            raise PromptEndedError(
                "no value was typed (end of input); nothing was written.", 1
            ) from None
        except KeyboardInterrupt:
            raise PromptEndedError(
                "cancelled at the value prompt; nothing was written.", 130
            ) from None
    # Read whole and verbatim (trailing newlines are part of the value), at most 48 KB.
    label = "standard input"
    try:
        if hasattr(stdin, "buffer"):
            data = read_stream(stdin.buffer, label, MAX_VALUE_BYTES)
        else:
            data = stdin.read(MAX_VALUE_BYTES + 1).encode("utf-8", "surrogateescape")
            if len(data) > MAX_VALUE_BYTES:
                raise ReadError(f"{label} is more than {MAX_VALUE_BYTES} bytes.")
        return decode(data, "the value")
    except ReadError as exc:
        message = str(exc).replace("the most accepted here", "GitHub's limit for a value")
        raise FileError(label, message) from None


def _read(path: str, flag: str, limit: int) -> str:
    """A whole file named by ``flag``, bounded; an empty one is a problem, not a no-op."""
    if not path:
        return ""
    try:
        text = decode(read_bounded(path, limit, allow_pipe=True), quoted(path))
    except ReadError as exc:
        raise FileError(flag, str(exc)) from None
    if not text.strip():
        raise FileError(flag, f"{quoted(path)} is empty.")
    return text
