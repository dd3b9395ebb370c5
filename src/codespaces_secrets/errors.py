"""One error hierarchy for everything the action reports instead of a traceback.

Every error carries a message that names what was being done and a remedy that says
what the user can do about it. Input problems are not exceptions: validation collects
them all (``InputProblem``) so that they are reported together. Only the adapters
(``action`` through ``report``, and ``cli``) turn errors into annotations or lines and an
exit code; nothing below them calls ``sys.exit``.
No error text ever contains a secret value, a token or a ciphertext.
"""

from __future__ import annotations

from dataclasses import dataclass


class ActionError(Exception):
    """A failure the action explains to its user rather than crashing on."""

    title = "Codespaces secret"

    def __init__(self, message: str, *, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}".strip()


@dataclass(frozen=True)
class InputProblem:
    """One problem with one input, named so the user can find it in the workflow."""

    input: str
    message: str


class ApiError(ActionError):
    """GitHub refused or failed a request; carries the HTTP status (its text quotes GitHub)."""

    title = "GitHub API error"

    def __init__(self, message: str, *, remedy: str = "", status: int | None = None) -> None:
        super().__init__(message, remedy=remedy)
        self.status = status


class KeyRejectedError(ApiError):
    """GitHub refused a sealed value because the public key it was sealed with changed."""


class RetriesExhaustedError(ApiError):
    """A request kept failing with a transient fault until the retry bound was reached."""

    title = "GitHub API unavailable"


class ReadBackError(ApiError):
    """A secret was written, but reading back what GitHub kept failed (report it as written)."""


class RepositoryError(ActionError):
    """Repositories could not be resolved, or GitHub did not keep the ones we sent."""

    title = "Repository problem"


class Interrupted(BaseException):
    """The run was stopped by a signal (SIGINT: Ctrl-C; SIGTERM: a cancelled job).

    A ``BaseException`` so that no ``except Exception`` on the way up swallows it. The
    front door may attach the results so far as ``partial`` before letting it go on; the
    adapters report them and exit with ``128 + signum`` (130, 143).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.partial: object | None = None  # the front door's RunResult so far, if any

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal."""
        return 128 + self.signum


QUOTE_LIMIT = 60  # characters of user input quoted back in a message


def quoted(text: str) -> str:
    """Quote user text in a message: short, one line, printable (a huge input stays small)."""
    shown = "".join(char if char.isprintable() else "?" for char in text[:QUOTE_LIMIT])
    return f"'{shown}…'" if len(text) > QUOTE_LIMIT else f"'{shown}'"
