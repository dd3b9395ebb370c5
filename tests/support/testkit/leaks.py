"""The one leak checker: masks first, every secret piece masked, nothing shown elsewhere.

The runner hides a registered value only in lines printed after its ``::add-mask::``, so
every mask must come before any other line. A value is registered whole and, when it
has several lines, line by line (lines shorter than ``MIN_LINE`` are left alone:
masking a lone brace would blank it out of every log line). Outside the masks, no secret
piece, no marker and no ciphertext that was sent may appear in the log, the outputs or
the step summary; and no line may start a workflow command the action does not issue
(user text must never become a command).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from codespaces_secrets.redact import MIN_LINE

from .runner import ActionRun

OWN_COMMANDS = frozenset({"add-mask", "error", "warning", "notice", "debug"})
FRAGMENT = 12  # characters: any run this long of a secret shown counts as a leak


def fragments_shown(text: str, secrets: Iterable[str], size: int = FRAGMENT) -> list[str]:
    """A line per secret of which some ``size``-character run appears in ``text``.

    Names the secret by its length and the offset of the first run found, never by the
    run itself (the finding goes to logs and figures).
    """
    found = []
    for number, secret in enumerate(secrets):
        for start in range(len(secret) - size + 1):
            if secret[start : start + size] in text:
                found.append(f"secret {number} ({len(secret)} chars): {size} chars from {start}")
                break
    return found


def escaped(value: str) -> str:
    """A value as ``::add-mask::`` carries it (the runner's command escaping)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def mask_pieces(values: Iterable[str]) -> list[str]:
    """Each value, and each line of a multi-line value that is masked on its own.

    This restates the rule instead of calling ``redact.pieces``: a checker sharing the
    product's rule could not catch a fault in it.
    """
    found: list[str] = []
    for value in values:
        if not value.strip():
            continue
        found.append(value)
        lines = value.splitlines()
        if len(lines) > 1:
            found.extend(line for line in lines if len(line.strip()) >= MIN_LINE)
    return found


def shown_text(run: ActionRun) -> str:
    """Everything a reader sees except the mask commands: log, outputs and summary."""
    lines = run.stdout.split("\n")  # the runner splits on \n only
    rest = [line for line in lines if not line.startswith("::add-mask::")]
    return "\n".join(rest) + run.stderr + json.dumps(run.outputs) + run.summary


def find_leaks(
    run: ActionRun,
    masked: Iterable[str],
    *,
    hidden: Iterable[str] | None = None,
    markers: Iterable[str] = (),
    ciphertexts: Iterable[str] = (),
    fragments_of: Iterable[str] = (),
) -> list[str]:
    """Every way ``run`` broke the masking promise; an empty list when it kept it.

    ``masked``: values that must be registered (whole and line by line) before anything
    else is printed. ``hidden``: text that must never be shown (default: every piece of
    ``masked``; hostile inputs narrow it to the canaried pieces, since other pieces may
    be text that a plain input legitimately echoes). ``markers``: canary substrings that
    must not be shown in any letter case. ``ciphertexts``: sealed values sent.
    ``fragments_of``: secrets of which not even a ``FRAGMENT``-character run may be shown
    (what a cut of server text before its scrub would leave).
    """
    problems: list[str] = []
    lines = run.stdout.split("\n")
    masks = [line for line in lines if line.startswith("::add-mask::")]
    if lines[: len(masks)] != masks:
        problems.append("an ::add-mask:: comes after another line")
    registered = {line.removeprefix("::add-mask::") for line in masks}
    pieces = mask_pieces(masked)
    problems += [f"not masked: {p[:16]!r}" for p in pieces if escaped(p) not in registered]
    for line in lines[len(masks) :]:
        command = re.match(r"::([a-z-]+)", line)
        if line.startswith("::") and (command is None or command.group(1) not in OWN_COMMANDS):
            problems.append(f"a line starts a foreign workflow command: {line[:40]!r}")
    rest = shown_text(run)
    lowered = rest.lower()
    shown = pieces if hidden is None else list(hidden)
    problems += [f"shown: {p[:16]!r}" for p in shown if p and p in rest]
    problems += [f"marker shown: {m!r}" for m in markers if m.lower() in lowered]
    problems += [f"ciphertext shown: {c[:16]!r}" for c in ciphertexts if c and c in rest]
    problems += [f"fragment shown: {x}" for x in fragments_shown(rest, fragments_of)]
    return problems
