"""The process entry points: the interpreter tuned for one short run, then the adapter.

A run is short and allocates most of its objects while it imports: requests, urllib3 and
nacl leave tens of thousands of objects that live until the process ends. At CPython's
default threshold (a collection every 700 new container objects) the cycle collector
walks that growing heap again and again during start-up, and once more at exit over
objects the exit frees anyway. Measured on a one-secret run, that was about a fifth of
the whole process: roughly 10 ms at start-up and 15 ms at exit.

So a process entry point raises the threshold before the first heavy import, and freezes
what is left before the interpreter shuts down. Collection is not turned off: a long run
(thousands of paced writes) or a hostile answer still has its cycles collected, only in
larger batches. Files and the log are flushed and closed by the code that writes them,
and freezing changes nothing about reference counting, so nothing is lost at exit.

The release image leaves out charset_normalizer, which requests imports only to guess the
encoding of a body that names no charset: the action reads every answer as bytes and
parses JSON itself, so it never asks. requests then guesses UTF-8 if asked, and warns
once at import that it found no detector; a process entry point silences that one warning
(by its text, from requests alone), so that a run writes nothing to stderr.

Only processes that exist for one run use this (``entrypoint.py``, ``python -m
codespaces_secrets``, the ``codespaces-org-secret`` script, and the test kit's launcher,
through ``run_tuned``); code that calls ``action.main`` or ``cli.main`` in its own process
keeps its collector as it was.

The start-up policy, the one rule for imports inside functions (``tests/test_house.py``
holds it): every module imports what it needs at its top, except in three places.
- Here: the adapter is imported after the tuning.
- ``core``: the front door imports the HTTP transport (requests, urllib3) and ``apply``
  (nacl, through ``crypto``) when a validated run first needs them, so a run that fails
  validation never loads them.
- ``cli``: its ``action`` command imports the local runner, which no other command needs.
Everything else a run loads is small, and loaded at the top, where it can be seen.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable

# New container objects between two young collections (CPython's default is 700).
THRESHOLD = 100_000
# The start of what requests warns at import when neither chardet nor charset_normalizer
# is installed (requests/__init__.py, check_compatibility).
NO_DETECTOR_WARNING = "Unable to find acceptable character detection dependency"


def run_tuned(load: Callable[[], Callable[[], int]]) -> int:
    """Tune the collector and the warnings, load the adapter and run it; freeze at the end.

    ``load`` imports and returns the function to run, so that its imports come after the
    tuning. The process should exit right after this returns.
    """
    gc.set_threshold(THRESHOLD)
    warnings.filterwarnings("ignore", message=NO_DETECTOR_WARNING, module="requests")
    try:
        return load()()
    finally:
        gc.freeze()


def _action() -> Callable[[], int]:
    from .action import main  # noqa: PLC0415 - imported after the tuning, on purpose

    return main


def _cli() -> Callable[[], int]:
    from .cli import main  # noqa: PLC0415 - imported after the tuning, on purpose

    return main


def action() -> int:
    """The container's entry point: the action, as the runner starts it."""
    return run_tuned(_action)


def cli() -> int:
    """The command line's entry point (``codespaces-org-secret``, ``python -m``)."""
    return run_tuned(_cli)
