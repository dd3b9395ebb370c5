"""``python -m testkit.launch``: the action's entrypoint with shorter network limits.

Exactly what ``entrypoint.py`` runs (``action.main`` on the process environment, with the
collector tuned by ``process.run_tuned``), except for the transport seam: a test or ``make
reliability`` passes a shorter per-attempt deadline, so that an attack that lasts until
the deadline costs a second, not thirty.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable

from codespaces_secrets.process import run_tuned

from .fakes import connect_with


def launch(argv: list[str] | None = None) -> int:
    """Parse the limits and run the action; return its exit code."""
    parser = argparse.ArgumentParser(prog="python -m testkit.launch")
    parser.add_argument("--deadline", type=float, default=None, help="seconds per attempt")
    parser.add_argument("--max-body", type=int, default=None, help="bytes per answer")
    args = parser.parse_args(argv)

    def load() -> Callable[[], int]:
        from codespaces_secrets.action import main  # noqa: PLC0415 - after the tuning

        return functools.partial(
            main, connect=connect_with(timeout=args.deadline, max_body=args.max_body)
        )

    return run_tuned(load)


if __name__ == "__main__":
    sys.exit(launch())
