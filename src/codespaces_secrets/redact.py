"""Remove every known secret from text a server sent, before it is cut or shown anywhere.

A server (or a proxy) may quote the request back in its error text: the token, the
ciphertext, even a value. The runner masks what was registered with ``::add-mask::``,
but only in the log and only whole: annotations' titles, outputs and the step summary are
not masked, a ciphertext is never registered, and a piece of a secret is not recognised.
So server text is scrubbed where it is read, with the same pieces the log masks: each
secret whole and each line of a multi-line one that is long enough to mask on its own.

Order matters. Text is scrubbed *before* it is cut to a length: a cut first could leave
the start of a secret that straddled it, which no whole-string scrub finds (the first 30
characters of a 36-character ``ghp_`` token are enough to rebuild it, its last 6 being a
checksum). Starts of known secrets are replaced too: ``MIN_START`` characters or more
anywhere (a server that cut a secret it quoted and went on), ``MIN_PREFIX`` or more at
the very end of a text (a server that cut its own text there, or the cut here). What is
not scrubbed: a run from the middle of a secret, or a shorter start, in text the server
mangled itself; a server can only do that to what it was sent (the token, ciphertexts).

``inert`` is the other half of showing server text: control bytes (ESC, the rest of C0
and C1, DEL) and the invisible format characters (bidi overrides such as U+202E, the BOM)
become visible escapes, so nothing a server sends can move the cursor, recolour the
terminal or reorder what a reader sees.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

REDACTED = "***"
# Lines shorter than this are not masked or scrubbed on their own (a whole secret always
# is): masking a lone brace or quote of a JSON or dotenv block would blank it out of every
# log line. The log's masks (report) and the scrubbing here share the rule, ``pieces``.
MIN_LINE = 4
# A text ending with this many or more characters that start a known piece has them
# replaced. Four, like MIN_LINE: shorter starts are too common to mean anything (a
# trailing "gh" or '{"'), and four is less than the 12-character fragments the
# reliability figures count as a leak.
MIN_PREFIX = 4
# Anywhere in a text, not only at its end, this many or more characters that start a known
# piece are replaced: a server that cut a secret it quotes and went on (a message cut
# inside the token, then its errors[]) leaves such a start in the middle.
MIN_START = 12


def pieces(secret: str) -> list[str]:
    """What is masked and scrubbed of one secret: whole, and each long-enough line of it."""
    lines = secret.splitlines()
    return [secret] + ([x for x in lines if len(x.strip()) >= MIN_LINE] if len(lines) > 1 else [])


class Redactor:
    """Knows the run's secrets and removes them from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Tokens work side by side (``lanes``): one adds a ciphertext while another scrubs.
        # Adding is locked; scrubbing reads ``_ordered``, which is replaced whole.
        self._lock = threading.Lock()
        self._pieces: set[str] = set()
        self._ordered: list[str] = []
        # Pieces by their first MIN_PREFIX (MIN_START) characters: finding a start then
        # costs one look-up per character of the text, however many secrets the run has.
        self._starts: dict[str, list[str]] = {}
        self._long_starts: dict[str, list[str]] = {}
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Remember a secret: whole, and each line of it long enough to be masked."""
        if not secret.strip():
            return
        with self._lock:
            for piece in pieces(secret):
                if piece not in self._pieces:
                    self._pieces.add(piece)
                    self._starts.setdefault(piece[:MIN_PREFIX], []).append(piece)
                    if len(piece) > MIN_START:
                        self._long_starts.setdefault(piece[:MIN_START], []).append(piece)
            self._ordered = sorted(self._pieces, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***`` (longest first).

        A trailing start of one (``MIN_PREFIX`` characters or more) is replaced too.
        """
        for piece in self._ordered:
            if piece in text:
                text = text.replace(piece, REDACTED)
        return self._drop_trailing_start(self._replace_starts(text))

    def scrub_then_cap(self, text: str, cap: int) -> str:
        """``text`` scrubbed, then cut to at most ``cap`` characters, then scrubbed again.

        The first scrub leaves no whole piece, so the cut can only end inside what is left
        of a mangled one: the second scrub replaces such a trailing start. The result may
        be up to ``len(REDACTED)`` characters longer than ``cap`` when that happens.
        """
        return self.scrub(self.scrub(text)[:cap])

    def _replace_starts(self, text: str) -> str:
        """``text`` with every long start of a known piece replaced, wherever it is.

        Long: ``MIN_START`` characters or more.
        """
        if not self._long_starts:
            return text
        out: list[str] = []
        done = at = 0
        while at <= len(text) - MIN_START:
            found = self._long_starts.get(text[at : at + MIN_START])
            if not found:
                at += 1
                continue
            size = max(_common_start(text, at, piece) for piece in found)
            out += [text[done:at], REDACTED]
            at = done = at + size
        return "".join([*out, text[done:]])

    def _drop_trailing_start(self, text: str) -> str:
        """``text`` with its end replaced by ``***`` when that end starts a known piece."""
        if not self._starts:
            return text
        for at in range(max(0, len(text) - len(self._ordered[0])), len(text) - MIN_PREFIX + 1):
            tail = text[at:]
            found = self._starts.get(tail[:MIN_PREFIX], ())
            if any(piece.startswith(tail) for piece in found):
                return text[:at] + REDACTED
        return text


def _common_start(text: str, at: int, piece: str) -> int:
    """How many characters of ``text`` from ``at`` on are the start of ``piece``."""
    size = 0
    for mine, theirs in zip(text[at : at + len(piece)], piece, strict=False):
        if mine != theirs:
            break
        size += 1
    return size


# Kept although not "printable" to Python: text layout, and the zero-width space (the
# summary breaks autolinks with it) and joiners (some scripts and emoji sequences use them).
_KEPT = frozenset(" \t\n\u200b\u200c\u200d")


def inert(text: str) -> str:
    r"""``text`` with every character that is not plainly printable shown as an escape.

    C0 controls (but tab and line feed), DEL, C1 controls, bidi embeddings, overrides and
    isolates (U+202A-U+202E, U+2066-U+2069, the marks U+200E/U+200F/U+061C), line and
    paragraph separators, the BOM and the other format characters, spaces other than the
    plain one, private-use and unassigned code points, and lone surrogates become
    ``\x1b``, ``\u202e``... Printable text is untouched, so an inert text stays the same.
    Line feeds are left for the caller, which knows whether a line may end there (a log
    line or a workflow command escapes them its own way).
    """
    return "".join(char if char.isprintable() or char in _KEPT else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
