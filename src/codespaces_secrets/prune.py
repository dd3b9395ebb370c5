"""The prune safety catch: how many existing secrets a prune may delete before it stops.

``prune`` deletes every existing secret that an ``include`` pattern selects and the batch
lacks. A pattern that is too wide (``include: '*'``) or a batch that arrived nearly empty
(a source whose secrets were not available to the run) would make that most of the org's
store. So, unless ``prune-limit`` says how many deletions are expected, a prune stops,
before anything in that store changes, when it would delete

- more than ``DEFAULT_SHARE`` (half) of the store's existing secrets, or
- every existing secret the batch does not hold,

and more than one secret: a single deletion is what renaming one secret costs, so it is
never stopped by the default rule.

With ``prune-limit`` (a count) the rule is that count alone: more deletions stop the store,
as many or fewer go ahead. ``prune-limit: 0`` lets a prune report and delete nothing.
Pure, so that the plan calls it with what it fetched and tests can walk every case.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .config import Store
from .errors import ActionError

DEFAULT_SHARE = 0.5  # of the store's existing secrets, when prune-limit is not given
SHOWN_NAMES = 5  # names listed in the error before "and N more"


class PruneLimitError(ActionError):
    """A prune would delete more of a store than its safety catch allows."""

    title = "Prune limit"


def allowed_prune(
    org: str,
    store: Store,
    existing: Collection[str],
    pruned: Sequence[str],
    batch: Collection[str],
    limit: int | None,
) -> tuple[str, ...]:
    """The names to prune, or ``PruneLimitError`` when the catch stops this store.

    ``existing``: the store's secret names; ``pruned``: those the include patterns select
    and the batch lacks; ``batch``: the names being written (and deleted by name, which
    are not the prune's doing); ``limit``: ``prune-limit``
    (None: the default rule).
    """
    count = len(pruned)
    if not count:
        return ()
    if limit is not None:
        if count <= limit:
            return tuple(pruned)
        why = f"more than prune-limit ({limit})"
    elif count == 1:
        return tuple(pruned)
    else:
        outside = [name for name in existing if name not in batch]
        if count > DEFAULT_SHARE * len(existing):
            why = f"more than {DEFAULT_SHARE:.0%} of its {len(existing)} secrets"
        elif set(pruned) >= set(outside):
            why = "every secret it holds that the batch does not"
        else:
            return tuple(pruned)
    raise PruneLimitError(
        f"prune would delete {count} of {org}'s {len(existing)} {store.label} secrets "
        f"({_names(pruned)}): {why}. Nothing was changed in {org}'s {store.label} secrets.",
        remedy=f"If that is meant, set prune-limit to {count} (or more); otherwise narrow "
        "the include patterns, or check that the batch holds every secret it should.",
    )


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return f"{shown} and {more} more" if more > 0 else shown
