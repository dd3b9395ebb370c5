"""Near misses: the word the user probably meant, for a "Did you mean …?" after an error.

Pure and small, so every place that refuses a word can offer one: visibility and store
names, flags and commands, and (given the list the plan already fetched) repository
names. Some words are not typos but another vocabulary (GitHub calls ``all`` ``public``
elsewhere; ``remove`` for ``delete``), so ``SYNONYMS`` maps them before any similarity is
tried. Candidates are compared case-insensitively; the suggestion is the candidate as
given, so it can be pasted back.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from .errors import quoted

# Words from other vocabularies, mapped to ours.
SYNONYMS: Mapping[str, str] = {
    "public": "all",
    "internal": "private",
    "codespace": "codespaces",
    "dependabot-secrets": "dependabot",
    "copilot": "agents",
    "agent": "agents",
    "action": "actions",
    "remove": "delete",
    "rm": "delete",
    "del": "delete",
    "unset": "delete",
    "ls": "list",
    "show": "list",
    "put": "set",
    "add": "set",
    "create": "set",
    "update": "set",
}

CUTOFF = 0.75  # difflib's ratio: one letter off in a word of four or more passes


def suggest(word: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
    """The candidate ``word`` most probably meant, or None (never ``word`` itself)."""
    by_key = {candidate.lower(): candidate for candidate in candidates}
    key = word.strip().lower()
    if not key or key in by_key:
        return None
    synonym = SYNONYMS.get(key)
    if synonym is not None and synonym in by_key:
        return by_key[synonym]
    # The start of exactly one candidate (--dry for --dry-run), then the closest by letters.
    starting = [k for k in by_key if len(key.strip("-")) >= 3 and k.startswith(key)]
    if len(starting) == 1:
        return by_key[starting[0]]
    found = difflib.get_close_matches(key, list(by_key), n=1, cutoff=cutoff)
    return by_key[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = CUTOFF) -> str:
    """`` Did you mean 'x'?`` for a near miss, else the empty string (to append to a message)."""
    found = suggest(word, candidates, cutoff=cutoff)
    return f" Did you mean {quoted(found)}?" if found else ""
