"""The prune safety catch: every case of the rule, as a table."""

from __future__ import annotations

import pytest

from codespaces_secrets.config import Store
from codespaces_secrets.prune import PruneLimitError, allowed_prune

# (existing, pruned, batch, limit) -> allowed names, or None when the catch stops the store
CASES = [
    # nothing to prune
    (["A", "B"], [], ["A"], None, ()),
    # one stale secret beside the batch: a rename, never stopped
    (["A", "OLD"], ["OLD"], ["A"], None, ("OLD",)),
    (["OLD"], ["OLD"], ["NEW"], None, ("OLD",)),
    # a narrow pattern among other secrets: 1 of 3, the others stay
    (["NPM_OLD", "NPM_TOKEN", "OTHER"], ["NPM_OLD"], ["NPM_TOKEN"], None, ("NPM_OLD",)),
    # more than half of the store
    (["A", "B", "C", "D"], ["B", "C", "D"], ["A"], None, None),
    # exactly half, but every secret outside the batch (include: '*')
    (["A", "B", "C", "D"], ["C", "D"], ["A", "B"], None, None),
    # exactly half, and a secret outside the batch stays: goes ahead
    (["A", "B", "C", "D", "KEEP", "E"], ["C", "D"], ["A", "B"], None, ("C", "D")),
    # a limit replaces the rule: at or under goes ahead, over stops
    (["A", "B", "C", "D"], ["B", "C", "D"], ["A"], 3, ("B", "C", "D")),
    (["A", "B", "C", "D"], ["B", "C", "D"], ["A"], 2, None),
    (["A", "OLD"], ["OLD"], ["A"], 0, None),
    (["A", "B"], [], ["A"], 0, ()),
]


@pytest.mark.parametrize(("existing", "pruned", "batch", "limit", "expected"), CASES)
def test_the_rule(
    existing: list[str],
    pruned: list[str],
    batch: list[str],
    limit: int | None,
    expected: tuple[str, ...] | None,
) -> None:
    if expected is None:
        with pytest.raises(PruneLimitError):
            allowed_prune("octo-org", Store.CODESPACES, existing, pruned, batch, limit)
    else:
        assert allowed_prune("octo-org", Store.CODESPACES, existing, pruned, batch, limit) == (
            expected
        )


def test_the_error_says_how_many_which_and_what_to_do() -> None:
    existing = [f"S{i}" for i in range(40)]
    with pytest.raises(PruneLimitError) as caught:
        allowed_prune("octo-org", Store.ACTIONS, existing, existing[10:], existing[:10], None)
    error = caught.value
    assert error.message == (
        "prune would delete 30 of octo-org's 40 Actions secrets (S10, S11, S12, S13, S14 and "
        "25 more): more than 50% of its 40 secrets. Nothing was changed in octo-org's Actions "
        "secrets."
    )
    assert "set prune-limit to 30" in error.remedy
    assert error.title == "Prune limit"
