"""Near misses get a suggestion; far misses and exact words get none."""

from __future__ import annotations

import pytest

from codespaces_secrets.suggest import did_you_mean, suggest

REPOS = ["web", "api", "docs", "infra", "web-frontend"]


@pytest.mark.parametrize(
    ("word", "candidates", "expected"),
    [
        ("public", ["all", "private", "selected"], "all"),
        ("codespace", ["codespaces", "dependabot", "actions", "agents"], "codespaces"),
        ("remove", ["set", "delete", "list"], "delete"),
        ("--visibilty", ["--visibility", "--value-file"], "--visibility"),
        ("infar", REPOS, "infra"),
        ("Web-Frontent", REPOS, "web-frontend"),
        ("web", REPOS, None),  # exact (case-insensitively): nothing to suggest
        ("zzz", REPOS, None),
        ("", REPOS, None),
    ],
)
def test_suggest(word: str, candidates: list[str], expected: str | None) -> None:
    assert suggest(word, candidates) == expected


def test_did_you_mean_quotes_inertly() -> None:
    assert did_you_mean("infar", REPOS) == " Did you mean 'infra'?"
    assert did_you_mean("nothing like it", REPOS) == ""
    assert did_you_mean("ab", ["a\x1bb"]) == " Did you mean 'a?b'?"
