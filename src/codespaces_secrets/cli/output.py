"""What the command line prints: results, listings, progress, in its own terms.

For scripts, standard output has one shape per command whatever the stores: a TSV table
with a header line (``--no-header`` leaves it out), the same columns for every store, a
``-`` for an empty field and no tab or line break inside a field; or, with ``--json``, one
JSON object that is complete whatever the exit code: the rows, every error, and whether
the run was interrupted. Progress and problems go to standard error.

Input problems are worded in flag terms where they are made (``inputs.Terms``). The
core's progress and errors still speak the action's language, so they pass through
``in_cli_terms`` on their way out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TextIO

from ..core import Listed
from ..redact import inert
from ..results import RunResult
from .args import FLAGS

RESULT_COLUMNS = ("org", "app", "name", "status", "visibility", "repositories", "error")
LIST_COLUMNS = ("org", "app", "name", "visibility", "repositories", "updated_at")

# The core's messages speak the action's language; a terminal user typed flags.
_IN_CLI_TERMS = (
    (re.compile(r"\bRe-run the job\b"), "Run it again"),
    (re.compile(r"\bre-run the job\b"), "run it again"),
    (re.compile(r"\bthe delete input\b"), "the delete command"),
    (re.compile(r"\bprune with include\b"), "--prune with --include"),
    *(
        (re.compile(rf"\bthe {re.escape(name)} input\b"), flag)
        for name, flag in FLAGS.items()
        if flag.startswith("--") or flag.startswith("GH_")
    ),
    *(
        (re.compile(rf"(?<![-\w]){re.escape(name)}\b(?!-)"), flag)
        for name, flag in FLAGS.items()
        if "-" in name and flag.startswith("--")
    ),
)


def in_cli_terms(text: str) -> str:
    """A core message with the action's input names turned into this tool's flags.

    Inert, too: a message can quote a server, whose control bytes must not reach the
    terminal (an escape sequence could rewrite what the user sees).
    """
    for pattern, replacement in _IN_CLI_TERMS:
        text = pattern.sub(replacement, text)
    return inert(text)


def _field(value: object) -> str:
    """One TSV field: ``-`` when empty, tabs and line breaks as spaces."""
    text = inert("" if value is None else str(value))
    return " ".join(text.replace("\t", " ").splitlines()) or "-"


def _table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, header: bool) -> str:
    lines = ["\t".join(columns)] if header else []
    lines += ["\t".join(_field(value) for value in row) for row in rows]
    return "".join(f"{line}\n" for line in lines)


def result_document(
    result: RunResult | None, errors: Sequence[str], *, interrupted: bool = False
) -> dict[str, Any]:
    """The ``--json`` object of ``set`` and ``delete``: complete, whatever happened."""
    rows = [r.as_output() for r in result.results] if result else []
    return {
        "status": result.status if result and result.results else "failed",
        "dry_run": bool(result and result.dry_run),
        "interrupted": interrupted or bool(result and result.interrupted),
        "results": rows,
        "errors": [*errors, *(in_cli_terms(e) for e in (result.errors if result else ()))],
    }


def print_result(
    result: RunResult | None,
    errors: Sequence[str],
    out: TextIO,
    *,
    as_json: bool,
    header: bool,
    interrupted: bool = False,
) -> None:
    """The results of ``set``/``delete``: a table (with header), or the JSON object."""
    if as_json:
        document = result_document(result, errors, interrupted=interrupted)
        print(json.dumps(document, indent=2), file=out)
        return
    rows = [
        (
            r.org,
            r.store.value,
            r.name,
            r.status.value,
            r.visibility.value if r.visibility else "",
            ",".join(x.full_name for x in r.repositories),
            in_cli_terms(r.error),
        )
        for r in (result.results if result else ())
    ]
    out.write(_table(RESULT_COLUMNS, rows, header=header))


def print_listing(
    listed: Sequence[Listed],
    errors: Sequence[str],
    out: TextIO,
    *,
    as_json: bool,
    header: bool,
    interrupted: bool = False,
) -> None:
    """What ``list`` found: a table (with header), or the JSON object with its errors."""
    rows = [
        {
            "org": x.org,
            "app": x.store.value,
            "name": x.name,
            "visibility": x.visibility.value,
            "repositories": x.repositories,
            "updated_at": x.updated_at,
        }
        for x in listed
    ]
    if as_json:
        document = {"interrupted": interrupted, "secrets": rows, "errors": list(errors)}
        print(json.dumps(document, indent=2), file=out)
        return
    out.write(_table(LIST_COLUMNS, [[row[c] for c in LIST_COLUMNS] for row in rows], header=header))


class StreamEvents(NamedTuple):
    """The core's events as lines on one stream (standard error); no debug lines."""

    stream: TextIO

    def info(self, message: str) -> None:
        """Progress, in the terms of the command line."""
        print(in_cli_terms(message), file=self.stream)

    def warning(self, message: str) -> None:
        """A warning, marked as one."""
        print(f"warning: {in_cli_terms(message)}", file=self.stream)

    def retry(self, message: str) -> None:
        """A retried fault, as a plain progress line."""
        print(in_cli_terms(message), file=self.stream)

    def debug(self, message: str) -> None:
        """The CLI prints no per-request debug lines."""
