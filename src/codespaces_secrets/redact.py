"""Remove every known secret from text a server sent, before it is shown anywhere.

A server (or a proxy) may quote the request back in its error text: the token, the
ciphertext, even a value. The runner masks what was registered with ``::add-mask::``,
but only in the log: annotations' titles, outputs and the step summary are not masked,
and a ciphertext is never registered. So server text is scrubbed at the edge where it
is read (``transport``), with the same pieces the log masks: each secret whole and each
line of a multi-line one that is long enough to mask on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"
# Lines shorter than this are not masked or scrubbed on their own (a whole secret always
# is): masking a lone brace or quote of a JSON or dotenv block would blank it out of every
# log line. The log's masks (report) and the scrubbing here share the rule, ``pieces``.
MIN_LINE = 4


def pieces(secret: str) -> list[str]:
    """What is masked and scrubbed of one secret: whole, and each long-enough line of it."""
    lines = secret.splitlines()
    return [secret] + ([x for x in lines if len(x.strip()) >= MIN_LINE] if len(lines) > 1 else [])


class Redactor:
    """Knows the run's secrets and removes them from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._pieces: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Remember a secret: whole, and each line of it long enough to be masked."""
        if secret.strip():
            self._pieces.update(pieces(secret))

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***`` (longest first)."""
        for piece in sorted(self._pieces, key=len, reverse=True):
            if piece in text:
                text = text.replace(piece, REDACTED)
        return text
