"""One error hierarchy for everything the action reports instead of a traceback.

Every error carries a message that names what was being done and a remedy that says
what the user can do about it. Input problems are not exceptions: validation collects
them all (``InputProblem``) so that they are reported together. Only the adapters
(``action`` through ``report``, and ``cli``) turn errors into annotations or lines and an
exit code; nothing below them calls ``sys.exit``.
No error text ever contains a secret value, a token or a ciphertext.
"""

from __future__ import annotations

from typing import NamedTuple


class Interrupted(BaseException):
    """The run was asked to stop (SIGINT or SIGTERM): end now, report what was done."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class ActionError(Exception):
    """A failure the action explains to its user rather than crashing on."""

    title = "Codespaces secret"

    def __init__(self, message: str, *, remedy: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message} {self.remedy}".strip()


class InputProblem(NamedTuple):
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


class LimitError(ActionError):
    """The run would take a store past GitHub's limit on the number of secrets."""

    title = "Secret limit"


class ScaleError(ActionError):
    """The planned writes cannot finish in the run's time under GitHub's write limits."""

    title = "Too many writes for one run"


class RepositoryError(ActionError):
    """Repositories could not be resolved, or GitHub did not keep the ones we sent."""

    title = "Repository problem"


def bad_answer(operation: str, problem: str, status: int | None = None) -> ApiError:
    """The error for an answer that is not what GitHub's API documents."""
    return ApiError(
        f"Could not {operation}: the server's answer is not what GitHub's API documents "
        f"({problem}).",
        remedy="Check that api-url is GitHub's REST API root and that no proxy alters "
        "answers; if it is GitHub, re-run the job.",
        status=status,
    )


QUOTE_LIMIT = 60  # characters of user input quoted back in a message


def quoted(text: str) -> str:
    """Quote user text in a message: short, one line, printable (a huge input stays small)."""
    shown = "".join(char if char.isprintable() else "?" for char in text[:QUOTE_LIMIT])
    return f"'{shown}…'" if len(text) > QUOTE_LIMIT else f"'{shown}'"
