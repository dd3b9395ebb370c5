"""Everything the action tells the runner: masks, annotations, outputs, step summary.

The only place that prints in an action run. Masking comes first in every run; nothing
here ever receives a secret value except ``mask``. Where the runner listens is a
parameter (``Runner``): the log stream and the paths of ``$GITHUB_OUTPUT`` and
``$GITHUB_STEP_SUMMARY``, so tests hand in a buffer and temporary files instead of
steering the process environment. Commands are formatted by actions-toolkit's
``command`` module and outputs by its ``file_command`` heredoc helper (a random
delimiter); ``actions_toolkit.core`` is not imported: it loads ``requests`` through its
OIDC helper, which made every run, even one failing validation, ~85 ms slower.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from actions_toolkit.command import Command
from actions_toolkit.file_command import prepare_key_value_message

from .errors import InputProblem
from .results import RunResult, SecretResult, Status

SUMMARY_TITLE = "### Codespaces organization secrets"
# Lines shorter than this are not masked on their own (a whole value always is): masking
# a lone brace or quote of a JSON or dotenv block would blank it out of every log line.
MIN_MASKED_LINE = 4
MAX_LISTED_PROBLEMS = 50


@dataclass(frozen=True)
class Runner:
    """Where the Actions runner listens: the step's log and its file commands."""

    log: TextIO
    output: Path | None  # $GITHUB_OUTPUT; None outside a runner
    summary: Path | None  # $GITHUB_STEP_SUMMARY
    debug: bool = False  # the run has debug logging on


class Report:
    """Speaks to the runner; also the core's event sink during an action run."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner

    def _command(self, kind: str, message: str, properties: Mapping[str, str] = {}) -> None:
        self.runner.log.write(str(Command(kind, dict(properties), message)) + os.linesep)

    def mask(self, values: Iterable[str]) -> None:
        """Register every value, and each line of a multi-line value, with the masker."""
        for value in values:
            lines = value.splitlines()
            pieces = [value] + (
                [x for x in lines if len(x.strip()) >= MIN_MASKED_LINE] if len(lines) > 1 else []
            )
            for piece in pieces:
                # Text the log cannot encode (a lone surrogate) cannot reach the log at
                # all, so it cannot leak there; validation refuses it as a value.
                if piece.strip() and self._printable(piece):
                    self._command("add-mask", piece)

    def _printable(self, text: str) -> bool:
        """Whether the log stream can write ``text`` (in UTF-8 mode undecodable bytes can)."""
        stream = self.runner.log
        try:
            text.encode(getattr(stream, "encoding", None) or "utf-8", stream.errors or "strict")
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def annotate(self, kind: str, message: str, title: str = "") -> None:
        """An ``::error``/``::warning``/``::notice`` annotation with only the title property."""
        self._command(kind, message, {"title": title} if title else {})

    def info(self, message: str) -> None:
        """A plain log line."""
        self.runner.log.write(message + os.linesep)

    def warning(self, message: str) -> None:
        """A warning annotation."""
        self.annotate("warning", message)

    def notice(self, message: str) -> None:
        """A notice annotation."""
        self.annotate("notice", message)

    def debug(self, message: str) -> None:
        """A line the runner shows only with debug logging on (sent only then)."""
        if self.runner.debug:
            self._command("debug", message)

    def input_problems(self, problems: Sequence[InputProblem]) -> None:
        """Annotate each input problem, note them in the summary, and set failed outputs.

        At most ``MAX_LISTED_PROBLEMS`` are listed: a huge malformed input must not flood
        the log or push the summary past GitHub's 1 MiB limit.
        """
        shown, hidden = problems[:MAX_LISTED_PROBLEMS], len(problems) - MAX_LISTED_PROBLEMS
        for problem in shown:
            self.annotate(
                "error", f"{problem.input}: {problem.message}", f"Invalid input: {problem.input}"
            )
        if hidden > 0:
            self.annotate(
                "error", f"... and {hidden} more input problem(s) like these.", "Invalid input"
            )
        lines = [
            SUMMARY_TITLE,
            "",
            f"**Nothing was written**: {len(problems)} input problem(s).",
            "",
            *(f"- `{p.input}`: {_cell(p.message)}" for p in shown),
            *([f"- … and {hidden} more."] if hidden > 0 else []),
        ]
        self._append_summary(lines)
        self._set_outputs({"status": Status.FAILED.value, "results": "[]"})

    def failure(self, title: str, message: str) -> None:
        """Annotate a failure that stopped the run before any result existed."""
        self.annotate("error", message, title)
        self._append_summary([SUMMARY_TITLE, "", f"**Failed**: {_cell(message)}"])
        self._set_outputs({"status": Status.FAILED.value, "results": "[]"})

    def run_result(self, result: RunResult) -> None:
        """Annotate errors, then write the outputs and the summary table."""
        for error in result.errors:
            self.annotate("error", error, "Codespaces secret not written")
        single = result.results[0] if len(result.results) == 1 else None
        ids = [r.id for r in single.repositories] if single else []
        outputs = {
            "status": result.status,
            "results": json.dumps([r.as_output() for r in result.results]),
            "visibility": single.visibility.value if single and single.visibility else "",
            "selected-repository-ids": json.dumps(ids),
            "key-id": next(iter(result.key_ids.values())) if len(result.key_ids) == 1 else "",
        }
        self._set_outputs(outputs)
        self._append_summary(summary_lines(result))

    def _set_outputs(self, outputs: Mapping[str, str]) -> None:
        # Without $GITHUB_OUTPUT there is nowhere to write outputs (the deprecated
        # ::set-output command is not used).
        if self.runner.output is None:
            return
        with open(self.runner.output, "a", encoding="utf-8", newline="") as out:
            for name, value in outputs.items():
                out.write(prepare_key_value_message(name, value) + os.linesep)

    def _append_summary(self, lines: list[str]) -> None:
        if self.runner.summary is None:
            return
        # "replace": text the runner could not have passed (invalid UTF-8) must not crash.
        with open(self.runner.summary, "a", encoding="utf-8", errors="replace") as summary:
            summary.write("\n".join(lines) + os.linesep)


def summary_lines(result: RunResult) -> list[str]:
    """Markdown: one table per organization with its totals, then the overall totals."""
    lines = [SUMMARY_TITLE, ""]
    orgs = list(dict.fromkeys(r.org for r in result.results))
    for org in orgs:
        rows = [r for r in result.results if r.org == org]
        if len(orgs) > 1:
            lines += [f"#### {org}: {_totals(rows)}", ""]
        lines += [
            "| Org | Secret | Status | Visibility | Repositories |",
            "| --- | --- | --- | --- | --- |",
            *(_row(r) for r in rows),
            "",
        ]
    lines.append(f"**Total**: {_totals(list(result.results))}.")
    failed = [r for r in result.results if r.status is Status.FAILED]
    if failed:
        lines += ["", "**Failures**", ""]
        lines += [f"- {r.org} / {r.name}: {_cell(r.error)}" for r in failed]
    return lines


def _row(r: SecretResult) -> str:
    repositories = ", ".join(x.full_name for x in r.repositories) if r.repositories else "—"
    visibility = r.visibility.value if r.visibility else "—"
    status = f"❌ {r.status.value}" if r.status is Status.FAILED else r.status.value
    return f"| {r.org} | `{r.name}` | {status} | {visibility} | {_cell(repositories)} |"


def _totals(rows: list[SecretResult]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    parts = [f"{count} {status}" for status, count in counts.items()]
    return f"{len(rows)} secret(s): " + ", ".join(parts)


def _cell(text: str) -> str:
    """Keep a table cell on one line and its pipes from splitting the row."""
    return " ".join(text.split()).replace("|", "\\|")
