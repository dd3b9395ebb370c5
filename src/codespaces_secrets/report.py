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
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from actions_toolkit.command import Command
from actions_toolkit.file_command import prepare_key_value_message

from .bounded import ANNOTATIONS_PER_KIND, MAX_LISTED_FAILURES, fits_summary, results_output
from .config import Repository
from .errors import InputProblem
from .redact import inert, pieces
from .results import ListChange, RunResult, SecretResult, Status

SUMMARY_TITLE = "### Organization secrets"
RESULTS_FOLDER = ".org-secrets"  # in the workspace: the results-file output's folder
MAX_LISTED_PROBLEMS = 50
MAX_LISTED_RETRIES = 10
SIGNAL_NAMES = {2: "SIGINT", 15: "SIGTERM"}


class Runner(NamedTuple):
    """Where the Actions runner listens: the step's log and its file commands."""

    log: TextIO
    output: Path | None  # $GITHUB_OUTPUT; None outside a runner
    summary: Path | None  # $GITHUB_STEP_SUMMARY
    debug: bool = False  # the run has debug logging on
    workspace: Path | None = None  # $GITHUB_WORKSPACE: where the results-file goes


class Report:
    """Speaks to the runner; also the core's event sink during an action run."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.retries: list[str] = []
        self.file_error = ""  # set when $GITHUB_OUTPUT or $GITHUB_STEP_SUMMARY failed
        self.annotated: dict[str, int] = {}  # annotations made, by kind
        self.unshown: dict[str, int] = {}  # annotations past GitHub's limit: log lines

    def _command(self, kind: str, message: str, properties: Mapping[str, str] = {}) -> None:
        if kind != "add-mask":  # a mask must be the exact value; everything else is inert
            message = inert(message)
        self.runner.log.write(str(Command(kind, dict(properties), message)) + os.linesep)

    def mask(self, values: Iterable[str]) -> None:
        """Register every value, and each line of a multi-line value, with the masker."""
        for value in values:
            for piece in pieces(value):
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
        """An ``::error``/``::warning``/``::notice`` annotation with only the title property.

        GitHub shows only the first ``ANNOTATIONS_PER_KIND`` of a kind in a step: past
        the one before the last, the message is a plain log line, and ``count_unshown``
        makes the last annotation say how many there were.
        """
        made = self.annotated.get(kind, 0)
        if made >= ANNOTATIONS_PER_KIND - 1:
            self.unshown[kind] = self.unshown.get(kind, 0) + 1
            self.info(f"{kind}: {title + ': ' if title else ''}{message}")
            return
        self.annotated[kind] = made + 1
        self._command(kind, message, {"title": title} if title else {})

    def count_unshown(self) -> None:
        """One last annotation per kind for those only in the log (GitHub shows no more)."""
        for kind, count in self.unshown.items():
            self._command(
                kind,
                f"{count} more {kind} message(s) are in the step's log (GitHub shows only "
                f"{ANNOTATIONS_PER_KIND} annotations of a kind per step).",
            )
        self.unshown.clear()

    def info(self, message: str) -> None:
        """A plain log line (never a workflow command, whatever text it carries)."""
        self.runner.log.write(inert_line(inert(message)) + os.linesep)

    def retry(self, message: str) -> None:
        """A retried fault: a log line now; an annotation only if the run then fails."""
        self.retries.append(message)
        self.info(message)

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
        self.count_unshown()
        self._set_outputs({"status": Status.FAILED.value, "results": "[]"})

    def failure(self, title: str, message: str) -> None:
        """Annotate a failure that stopped the run before any result existed."""
        self._retries_note(failed=True)
        self.annotate("error", message, title)
        self.count_unshown()
        self._append_summary([SUMMARY_TITLE, "", f"**Failed**: {_cell(message)}"])
        self._set_outputs({"status": Status.FAILED.value, "results": "[]"})

    def interrupted(self, signum: int, result: RunResult | None = None) -> None:
        """One short line for a run stopped by a signal, then the results so far, if any."""
        name = SIGNAL_NAMES.get(signum, f"signal {signum}")
        done = "what was done so far is reported" if result else "nothing was done"
        self.annotate("error", f"Interrupted by {name}; {done}.", "Interrupted")
        if result is not None:
            self.run_result(result)
        else:
            self._append_summary([SUMMARY_TITLE, "", f"**Interrupted** by {name}."])
            self._set_outputs({"status": Status.FAILED.value, "results": "[]"})

    def run_result(self, result: RunResult) -> None:
        """Annotate errors, then write the outputs and the summary."""
        self._retries_note(failed=result.failed)
        for error in result.errors:
            self.annotate("error", error, "Organization secrets not written")
        single = result.results[0] if len(result.results) == 1 else None
        ids = [r.id for r in single.repositories] if single else []
        results, shown = results_output(result.results)
        results_file = self._results_file(result)
        if shown < len(result.results):
            where = f"in {results_file}" if results_file else "in the step summary's counts"
            self.notice(
                f"The results output holds {shown} of {len(result.results)} results, failures "
                f"first (GitHub limits a job's outputs to 1 MB); every result is {where}."
            )
        self.count_unshown()
        outputs = {
            "status": result.status,
            "results": results,
            "results-file": results_file,
            "visibility": single.visibility.value if single and single.visibility else "",
            "selected-repository-ids": json.dumps(ids),
            "key-id": next(iter(result.key_ids.values())) if len(result.key_ids) == 1 else "",
        }
        self._set_outputs(outputs)
        lines = summary_lines(result)
        self._append_summary(lines if fits_summary(lines) else short_summary(result))

    def _results_file(self, result: RunResult) -> str:
        """Every result, in full, as JSON in a new file in the workspace ('' without one).

        The workspace is the one folder a Docker action shares with the job's later steps
        under the same path relative to it (`/github/workspace` inside, the checkout
        outside): `RUNNER_TEMP` is a host path that older runners do not mount into the
        container. So the output is that relative path, which upload-artifact and `run`
        steps resolve from the workspace.
        """
        if self.runner.workspace is None:
            return ""
        folder = self.runner.workspace / RESULTS_FOLDER
        try:
            folder.mkdir(exist_ok=True)
            handle, name = tempfile.mkstemp(prefix="results-", suffix=".json", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump([r.as_output() for r in result.results], out)
        except OSError as exc:
            self.warning(f"Cannot write the results file in the workspace: {exc.strerror}.")
            return ""
        return f"{RESULTS_FOLDER}/{Path(name).name}"

    def _retries_note(self, *, failed: bool) -> None:
        """Survived faults: one notice with the count; before a failure, warnings."""
        if not self.retries:
            return
        if not failed:
            self.notice(f"{len(self.retries)} transient fault(s) were retried and survived.")
            return
        for line in self.retries[:MAX_LISTED_RETRIES]:
            self.warning(line)
        hidden = len(self.retries) - MAX_LISTED_RETRIES
        if hidden > 0:
            self.warning(f"... and {hidden} more retried fault(s).")

    def _set_outputs(self, outputs: Mapping[str, str]) -> None:
        # Without $GITHUB_OUTPUT there is nowhere to write outputs (the deprecated
        # ::set-output command is not used).
        if self.runner.output is None:
            return
        text = "".join(prepare_key_value_message(k, v) + os.linesep for k, v in outputs.items())
        self._write_file("GITHUB_OUTPUT", self.runner.output, text, errors="strict")

    def _append_summary(self, lines: list[str]) -> None:
        if self.runner.summary is None:
            return
        # "replace": text the runner could not have passed (invalid UTF-8) must not crash.
        text = "\n".join(lines) + os.linesep
        self._write_file("GITHUB_STEP_SUMMARY", self.runner.summary, text, errors="replace")

    def _write_file(self, variable: str, path: Path, text: str, *, errors: str) -> None:
        """Append to a file command; a failure is one clear error, reported once."""
        if self.file_error:
            return
        try:
            with open(path, "a", encoding="utf-8", errors=errors, newline="") as out:
                out.write(text)
        except OSError as exc:
            self.file_error = f"Cannot write ${variable} ({path}): {exc.strerror or exc}."
            self.annotate(
                "error",
                f"{self.file_error} The outputs or step summary of this run are incomplete.",
                "Runner file not writable",
            )


def _head(result: RunResult) -> list[str]:
    """The summary's title, and what kind of run it was when not a plain one."""
    lines = [SUMMARY_TITLE, ""]
    if result.dry_run:
        lines += ["> **Dry run**: nothing was written or deleted; this is what would change.", ""]
    if result.interrupted:
        lines += ["> **Interrupted**: the run was stopped; below is what was done so far.", ""]
    return lines


def short_summary(result: RunResult) -> list[str]:
    """A summary for a run too large for the tables: failures first, then the counts."""
    lines = _head(result)
    lines += [
        f"> {len(result.results)} results: too many for a table within GitHub's 1 MiB step "
        "summary. Failures are listed first, then the counts; every result is in the "
        "results-file output's file.",
        "",
    ]
    failed = [r for r in result.results if r.status in (Status.FAILED, Status.UNKNOWN)]
    if failed:
        lines += ["**Failures**", ""]
        lines += [
            f"- {r.org} / {r.store.label} / {r.name}: {r.status.value}: {_cell(r.error[:300])}"
            for r in failed[:MAX_LISTED_FAILURES]
        ]
        if len(failed) > MAX_LISTED_FAILURES:
            lines.append(f"- … and {len(failed) - MAX_LISTED_FAILURES} more.")
        lines.append("")
    for org in dict.fromkeys(r.org for r in result.results):
        rows = [r for r in result.results if r.org == org]
        lines.append(f"- **{org}**: {_totals(rows)}")
    lines += ["", f"**Total**: {_totals(list(result.results))}."]
    return lines


def summary_lines(result: RunResult) -> list[str]:
    """Markdown: per org, per store, a table of what changed (before → after)."""
    lines = _head(result)
    orgs = list(dict.fromkeys(r.org for r in result.results))
    for org in orgs:
        rows = [r for r in result.results if r.org == org]
        lines += [f"#### {org}: {_totals(rows)}", ""]
        failures = [e for e in result.store_errors if e.org == org]
        for failure in failures:
            where = f"{failure.store.label} secrets" if failure.store else "every store"
            text = f"{failure.message} {failure.remedy}".strip()
            lines += [f"❌ **{where}**: {_cell(text)}", ""]
        failed_stores = {f.store for f in failures}
        shown = [r for r in rows if r.store not in failed_stores and None not in failed_stores]
        for store in dict.fromkeys(r.store for r in shown):
            lines += [
                f"{store.label}:",
                "",
                "| Secret | Status | Visibility | Repositories |",
                "| --- | --- | --- | --- |",
                *(_row(r) for r in shown if r.store is store),
                "",
            ]
    lines.append(f"**Total**: {_totals(list(result.results))}.")
    failed = [r for r in result.results if r.status is Status.FAILED and r.error]
    listed = {(e.org, e.store) for e in result.store_errors}
    failed = [r for r in failed if (r.org, r.store) not in listed and (r.org, None) not in listed]
    if failed:
        lines += ["", "**Failures**", ""]
        lines += [f"- {r.org} / {r.store.label} / {r.name}: {_cell(r.error)}" for r in failed]
    return lines


def _row(r: SecretResult) -> str:
    status = f"❌ {r.status.value}" if r.status is Status.FAILED else r.status.value
    return f"| `{r.name}` | {status} | {_visibility_change(r)} | {_cell(_repository_change(r))} |"


def _visibility_change(r: SecretResult) -> str:
    before = r.previous_visibility.value if r.previous_visibility else "—"
    after = r.visibility.value if r.visibility else "—"
    if r.status in (Status.DELETED, Status.WOULD_DELETE):
        return f"{before} → deleted"
    return after if before == after else f"{before} → {after}"


def _repository_change(r: SecretResult) -> str:
    """The repositories now, with what was added (+) and removed (-) by name."""
    before = r.previous_repositories or ()
    after: tuple[Repository, ...] = r.repositories
    if r.status in (Status.DELETED, Status.WOULD_DELETE, Status.ABSENT, Status.FAILED):
        after = before if r.status is Status.FAILED else ()
    change = ListChange.of(before, after)
    parts = change.kept + change.marks()
    return ", ".join(parts) if parts else "—"


def _totals(rows: list[SecretResult]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status.value] = counts.get(row.status.value, 0) + 1
    parts = [f"{count} {status}" for status, count in counts.items()]
    return f"{len(rows)} secret(s): " + ", ".join(parts)


def _cell(text: str) -> str:
    """Text as inert Markdown on one line: no link, image, HTML, emphasis or row split.

    Error text can quote a server; the step summary renders Markdown and HTML, so every
    character that could start markup is escaped, and bare URLs are broken up so they
    do not become links.
    """
    flat = " ".join(inert(text).split())
    escaped = "".join(_MARKDOWN_ESCAPES.get(char, char) for char in flat)
    return _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\u200b" + m.group(0)[-1], escaped)


# HTML-significant characters as entities; Markdown punctuation backslash-escaped.
_MARKDOWN_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    **{char: "\\" + char for char in "\\`*_[](){}#!|~"},
}
# What GitHub's Markdown would turn into a link by itself: a scheme or a "www." start.
_AUTOLINK = re.compile(r"(?i)(?:https?:|ftp:|mailto:|www\.)")


def inert_line(text: str) -> str:
    """Text as one plain log line that the runner cannot take for a workflow command."""
    line = " ".join(text.replace("\r", " ").split("\n"))
    line = line.replace("##[", "## [")  # the runner's older command syntax, anywhere
    return "> " + line if line.lstrip().startswith("::") else line
