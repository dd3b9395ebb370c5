"""The one event sink of the core: progress, warnings and debug lines.

The core never prints. The action turns events into log lines and annotations, the CLI
into lines on standard error, tests into a list they can read. Nothing passed here ever
contains a secret value, a token or a ciphertext.
"""

from __future__ import annotations

from typing import Protocol


class Events(Protocol):
    """Where the core reports what it does."""

    def info(self, message: str) -> None:
        """A line of progress."""

    def warning(self, message: str) -> None:
        """Something the user should look at; the run goes on."""

    def retry(self, message: str) -> None:
        """A transient fault that will be retried.

        A log line, not an annotation: a run that goes on to succeed should not show
        warnings for faults it survived.
        """

    def debug(self, message: str) -> None:
        """Detail for troubleshooting (one line per request), shown only when asked for."""
