"""Reports that fit GitHub's limits, whatever the size of the run.

GitHub drops a step summary over 1 MiB, limits a job's outputs to 1 MB (counted in
UTF-16), and shows only the first 10 error and 10 warning annotations of a step:
https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions
A run of 5,000 writes (50 orgs of 100 secrets) reports about 1.4 MB of results. So past
these budgets the ``results`` output holds the failures first, then as many results as
fit; the summary lists the failures first and counts the rest; and the full detail goes
to the ``results-file`` output, a JSON file in the workspace for upload-artifact.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .results import SecretResult, Status

# All outputs of the step share GitHub's 1 MB per job; this leaves room for the others
# (and for outputs of other steps of the job).
RESULTS_BUDGET = 800_000  # bytes of the results output, counted in UTF-16
SUMMARY_BUDGET = 900 * 1024  # bytes of the step summary, UTF-8 (GitHub: at most 1 MiB)
ANNOTATIONS_PER_KIND = 10  # GitHub shows the first 10 errors and 10 warnings of a step
MAX_LISTED_FAILURES = 200  # failures listed in a summary too long for the tables


def utf16_size(text: str) -> int:
    """Bytes of ``text`` in UTF-16, as GitHub counts an output's size."""
    return len(text.encode("utf-16-le", "surrogatepass"))


def results_output(
    results: Sequence[SecretResult], budget: int = RESULTS_BUDGET
) -> tuple[str, int]:
    """The ``results`` output and how many results it holds (all, when they fit).

    Past the budget, failures come first: they are what a later step must act on.
    """
    full = json.dumps([r.as_output() for r in results])
    if utf16_size(full) <= budget:
        return full, len(results)
    failed = [r for r in results if r.status in (Status.FAILED, Status.UNKNOWN)]
    ordered = failed + [r for r in results if r.status not in (Status.FAILED, Status.UNKNOWN)]
    parts: list[str] = []
    size = utf16_size("[]")
    for result in ordered:
        piece = json.dumps(result.as_output())
        cost = utf16_size(piece) + utf16_size(", ")
        if size + cost > budget:
            break
        parts.append(piece)
        size += cost
    return "[" + ", ".join(parts) + "]", len(parts)


def fits_summary(lines: Sequence[str], budget: int = SUMMARY_BUDGET) -> bool:
    """Whether the summary's lines fit GitHub's limit."""
    return sum(len(line.encode("utf-8")) + 1 for line in lines) <= budget
