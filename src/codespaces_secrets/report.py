"""Everything the action tells the runner: masks, annotations, outputs, step summary.

Masking comes first in every run; nothing here ever receives a secret value except
``mask``. Commands and outputs go through actions-toolkit's ``command`` and
``file_command`` modules (escaping; ``$GITHUB_OUTPUT`` heredocs with a random
delimiter), not ``actions_toolkit.core``: importing ``core`` loads ``requests`` through
its OIDC helper, which made every run, even one failing validation, ~85 ms slower.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence

from actions_toolkit.command import issue_command
from actions_toolkit.file_command import issue_file_command, prepare_key_value_message

from .errors import InputProblem
from .results import RunResult, SecretResult, Status

SUMMARY_TITLE = "### Codespaces organization secrets"
# Lines shorter than this are not masked on their own (a whole value always is): masking
# a lone brace or quote of a JSON or dotenv block would blank it out of every log line.
MIN_MASKED_LINE = 4
MAX_LISTED_PROBLEMS = 50


def mask(values: Iterable[str]) -> None:
    """Register every value, and each line of a multi-line value, with the runner's masker."""
    for value in values:
        lines = value.splitlines()
        pieces = [value] + (
            [x for x in lines if len(x.strip()) >= MIN_MASKED_LINE] if len(lines) > 1 else []
        )
        for piece in pieces:
            # Text standard output cannot encode (a lone surrogate) cannot reach the log
            # at all, so it cannot leak there; validation refuses it as a value.
            if piece.strip() and _printable(piece):
                issue_command("add-mask", {}, piece)


def _printable(text: str) -> bool:
    """Whether standard output can write ``text`` (in UTF-8 mode undecodable bytes can)."""
    try:
        text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def annotate(kind: str, message: str, title: str = "") -> None:
    """An ``::error``/``::warning``/``::notice`` annotation with only the title property.

    ``core.error(..., title=)`` would also send empty file/line properties.
    """
    issue_command(kind, {"title": title} if title else {}, message)


def warning(message: str) -> None:
    """A warning annotation."""
    annotate("warning", message)


def notice(message: str) -> None:
    """A notice annotation."""
    annotate("notice", message)


def info(message: str) -> None:
    """A plain log line."""
    sys.stdout.write(message + os.linesep)


def debug(message: str) -> None:
    """A line shown only when the run has debug logging on."""
    issue_command("debug", {}, message)


def input_problems(problems: Sequence[InputProblem], environ: Mapping[str, str]) -> None:
    """Annotate each input problem, note them in the summary, and set failed outputs.

    At most ``MAX_LISTED_PROBLEMS`` are listed: a huge malformed input must not flood the
    log or push the summary past GitHub's 1 MiB limit.
    """
    shown, hidden = problems[:MAX_LISTED_PROBLEMS], len(problems) - MAX_LISTED_PROBLEMS
    for problem in shown:
        annotate("error", f"{problem.input}: {problem.message}", f"Invalid input: {problem.input}")
    if hidden > 0:
        annotate("error", f"... and {hidden} more input problem(s) like these.", "Invalid input")
    lines = [
        SUMMARY_TITLE,
        "",
        f"**Nothing was written**: {len(problems)} input problem(s).",
        "",
        *(f"- `{p.input}`: {_cell(p.message)}" for p in shown),
        *([f"- … and {hidden} more."] if hidden > 0 else []),
    ]
    _append_summary(environ, lines)
    _set_outputs(environ, {"status": Status.FAILED.value, "results": "[]"})


def failure(title: str, message: str, environ: Mapping[str, str]) -> None:
    """Annotate a failure that stopped the run before any result existed."""
    annotate("error", message, title)
    _append_summary(environ, [SUMMARY_TITLE, "", f"**Failed**: {_cell(message)}"])
    _set_outputs(environ, {"status": Status.FAILED.value, "results": "[]"})


def run_result(result: RunResult, environ: Mapping[str, str]) -> None:
    """Annotate errors, then write the outputs and the summary table."""
    for error in result.errors:
        annotate("error", error, "Codespaces secret not written")
    single = result.results[0] if len(result.results) == 1 else None
    outputs = {
        "status": result.status,
        "results": json.dumps([r.as_output() for r in result.results]),
        "visibility": single.visibility.value if single and single.visibility else "",
        "selected-repository-ids": json.dumps(list(single.repository_ids) if single else []),
        "key-id": next(iter(result.key_ids.values())) if len(result.key_ids) == 1 else "",
    }
    _set_outputs(environ, outputs)
    _append_summary(environ, summary_lines(result))


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
    repositories = ", ".join(r.repositories) if r.repositories else "—"
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


def _set_outputs(environ: Mapping[str, str], outputs: Mapping[str, str]) -> None:
    # Without GITHUB_OUTPUT the toolkit would fall back to the deprecated ::set-output.
    if not environ.get("GITHUB_OUTPUT"):
        return
    for name, value in outputs.items():
        issue_file_command("OUTPUT", prepare_key_value_message(name, value))


def _append_summary(environ: Mapping[str, str], lines: list[str]) -> None:
    path = environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    # "replace": text the runner could not have passed (invalid UTF-8) must not crash here.
    with open(path, "a", encoding="utf-8", errors="replace") as summary:
        summary.write("\n".join(lines) + os.linesep)


def debug_enabled(environ: Mapping[str, str]) -> bool:
    """Whether the run has debug logging on (re-run with debug, or ACTIONS_STEP_DEBUG)."""
    return environ.get("RUNNER_DEBUG") == "1" or environ.get("ACTIONS_STEP_DEBUG") == "true"
