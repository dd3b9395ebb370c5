"""What the command line prints: results, listings, progress, in its own terms.

The core's messages speak the action's language (inputs, jobs); a terminal user typed
flags, so every line passes through ``in_cli_terms``. Results go to standard output (a
table, or JSON); progress and problems to standard error.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple, TextIO

from ..config import Store
from ..core import Listed
from ..results import RunResult
from .args import FLAGS

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
    """A core message with the action's input names turned into this tool's flags."""
    for pattern, replacement in _IN_CLI_TERMS:
        text = pattern.sub(replacement, text)
    return text


def print_result(result: RunResult, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps([r.as_output() for r in result.results], indent=2))
        return
    for r in result.results:
        names = ", ".join(x.full_name for x in r.repositories)
        repos = f" [{names}]" if names else ""
        visibility = r.visibility.value if r.visibility else "-"
        error = f"  {r.error}" if r.error else ""
        app = "" if r.store is Store.CODESPACES else f"\t{r.store.value}"
        print(f"{r.org}{app}\t{r.name}\t{r.status.value}\t{visibility}{repos}{error}")


def print_listing(listed: list[Listed], *, as_json: bool) -> None:
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
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        count = "-" if row["repositories"] is None else str(row["repositories"])
        print(
            f"{row['org']}\t{row['app']}\t{row['name']}\t{row['visibility']}\t{count}\t"
            f"{row['updated_at']}"
        )


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
        print(message, file=self.stream)

    def debug(self, message: str) -> None:
        """The CLI prints no per-request debug lines."""
