"""Decide everything a run will change before changing anything.

Per org, repository entries are resolved once (shared by every store); then per store,
``fetch`` asks GitHub for what the decisions need — the public key (only when something
is written), the listing of existing secrets (always: GitHub's count limit, create versus
update, deletes, prune), and the repository list of every existing ``selected`` secret
the run touches (to keep it, and to report before → after). ``decide`` then settles each
write and delete, the order of the two, and the count limit, without a request; and
``check_write_time`` whether every token's writes fit the run's time under GitHub's
write limits. Everything but ``fetch`` and ``resolve_repositories`` is pure.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import NamedTuple

from .config import STORE_LIMITS, Job, RepoRef, Repository, Secret, Store, Visibility
from .errors import ActionError, LimitError, RepositoryError, ScaleError
from .github import ExistingSecret, GitHub, PublicKey
from .prune import allowed_prune
from .retry import minimum_write_time
from .suggest import suggest


class Before(NamedTuple):
    """What a secret was before the run: its visibility and, if selected, its list."""

    visibility: Visibility
    repositories: tuple[Repository, ...] | None  # None unless selected


class Write(NamedTuple):
    """One secret to write to one store of one org, with visibility and list decided."""

    secret: Secret
    visibility: Visibility
    repositories: tuple[Repository, ...]
    before: Before | None  # None: the secret is new
    keep_list: bool = False  # the list is the secret's own, kept: read again right before


class Delete(NamedTuple):
    """One secret to delete; ``before`` None means the store has no such secret."""

    name: str
    before: Before | None
    pruned: bool  # chosen by prune rather than named in delete


class StorePlan(NamedTuple):
    """Everything needed to change one store of one org, or why it cannot be changed."""

    org: str
    store: Store
    key: PublicKey | None  # None when nothing is written
    writes: tuple[Write, ...]
    deletes: tuple[Delete, ...]
    room: int | None = None  # secrets the store can take on top of what it has; None: no limit
    error: ActionError | None = None  # the store failed before any change

    @property
    def changes(self) -> int:
        """How many write requests the plan makes: each PUT, and each DELETE of a secret."""
        return len(self.writes) + sum(d.before is not None for d in self.deletes)


class OrgPlan(NamedTuple):
    """Every store's plan in one org, with the opaque id of the token that writes there."""

    org: str
    token: int  # ``Access.token_id``: orgs with one token share its limits
    stores: tuple[StorePlan, ...] = ()
    error: ActionError | None = None  # the whole org failed before any change

    @property
    def wrong_repositories(self) -> bool:
        """A repository entry is wrong: the user's list is wrong, so no org is changed."""
        return isinstance(self.error, RepositoryError)


class StoreFacts(NamedTuple):
    """What GitHub said about one store of one org, fetched once, before any decision."""

    key: PublicKey | None
    existing: dict[str, ExistingSecret]
    lists: dict[str, tuple[Repository, ...]]  # current lists of touched selected secrets


def plan_org(org: str, job: Job, github: GitHub, token: int = 0) -> OrgPlan:
    """Plan every store of one org; a failure fails its store, or the org (its repositories)."""
    refs = [ref for ref in job.repositories if ref.applies_to(org)]
    try:
        chosen = resolve_repositories(github, org, refs) if refs else None
    except ActionError as exc:
        return OrgPlan(org, token, error=exc)
    plans: list[StorePlan] = []
    for store in job.stores:
        try:
            plans.append(decide(org, store, job, chosen, fetch(org, store, job, github)))
        except ActionError as exc:
            plans.append(StorePlan(org, store, None, (), (), error=exc))
    return OrgPlan(org, token, tuple(plans))


def fetch(org: str, store: Store, job: Job, github: GitHub) -> StoreFacts:
    """Every request one store's decisions need, and nothing more."""
    key = github.public_key(org, store) if job.secrets else None
    existing = github.list_secrets(org, store)
    touched = {s.name for s in job.secrets} | set(job.deletes) | set(_pruned(job, existing))
    lists = {
        name: tuple(github.selected_repositories(org, store, name))
        for name, found in existing.items()
        if name in touched and found.visibility is Visibility.SELECTED
    }
    return StoreFacts(key, existing, lists)


def decide(
    org: str,
    store: Store,
    job: Job,
    chosen: tuple[Repository, ...] | None,
    facts: StoreFacts,
) -> StorePlan:
    """Each write and delete, their order and the count limit, from inputs and facts."""
    writes = []
    for secret in job.secrets:
        before = _before(secret.name, facts)
        if chosen is not None:
            writes.append(Write(secret, Visibility.SELECTED, chosen, before))
            continue
        # Empty visibility keeps what the secret has; a new secret is private.
        visibility = job.visibility or (before.visibility if before else Visibility.PRIVATE)
        kept = before.repositories if before and before.repositories is not None else None
        keep = visibility is Visibility.SELECTED and kept is not None
        repositories = kept if keep and kept is not None else ()
        writes.append(Write(secret, visibility, repositories, before, keep))
    deletes = [Delete(name, _before(name, facts), pruned=False) for name in job.deletes]
    named = {secret.name for secret in job.secrets} | set(job.deletes)
    pruned = allowed_prune(
        org, store, facts.existing, _pruned(job, facts.existing), named, job.prune_limit
    )
    deletes += [Delete(name, _before(name, facts), pruned=True) for name in pruned]
    room = _check_limit(org, store, len(facts.existing), writes, deletes)
    return StorePlan(org, store, facts.key, tuple(writes), tuple(deletes), room)


def _before(name: str, facts: StoreFacts) -> Before | None:
    found = facts.existing.get(name)
    if found is None:
        return None
    return Before(found.visibility, facts.lists.get(name))


def _pruned(job: Job, existing: dict[str, ExistingSecret]) -> list[str]:
    """Existing names that an include pattern matches, that the batch does not hold."""
    if not job.prune_patterns:
        return []
    keep = {secret.name for secret in job.secrets} | set(job.deletes)
    return sorted(
        name
        for name in existing
        if name not in keep and any(fnmatchcase(name, pattern) for pattern in job.prune_patterns)
    )


def _check_limit(
    org: str, store: Store, existing: int, writes: list[Write], deletes: list[Delete]
) -> int | None:
    """Refuse a plan that would pass GitHub's count limit; return the room the store has.

    The store must never be over the limit at any moment: ``apply`` writes while there
    is room, and only when a new secret needs room does it delete first — one secret the
    run deletes anyway, right before that write (see ``apply``).
    """
    limit = STORE_LIMITS.get(store)
    if limit is None:
        return None
    new = sum(write.before is None for write in writes)
    removed = sum(delete.before is not None for delete in deletes)
    after = existing + new - removed
    if after > limit:
        raise LimitError(
            f"{org} has {existing} {store.label} secrets; with {new} new and {removed} "
            f"deleted it would have {after}, over GitHub's limit of {limit}. Nothing was "
            f"changed in {org}'s {store.label} secrets.",
            remedy="Delete secrets the org no longer needs (the delete input, or prune with "
            "include), or write fewer new ones.",
        )
    return limit - existing


class WriteTime(NamedTuple):
    """The plan's time estimate: a line per token, the time the lanes need, the error."""

    lines: list[str]
    needed: float  # seconds the lanes take, tokens side by side (max-parallel at a time)
    error: ScaleError | None


def check_write_time(plans: Sequence[OrgPlan], limit: float, width: int = 8) -> WriteTime:
    """How long the writes need under GitHub's limits; longer than ``limit`` is an error.

    Each token has its own limits (80 writes a minute, 500 an hour), so each token's
    writes are counted and estimated on their own; tokens work side by side, ``width``
    at a time (``max-parallel``), so the run needs as long as its lanes take when each
    next token goes to the first free lane, in input order (as ``lanes`` does): with
    enough lanes, as long as the slowest token, never the sum.
    """
    shares: dict[int, tuple[list[str], int]] = {}
    for plan in plans:
        orgs, count = shares.get(plan.token, ([], 0))
        shares[plan.token] = ([*orgs, plan.org], count + sum(s.changes for s in plan.stores))
    lines: list[str] = []
    needs: list[float] = []
    for orgs, writes in shares.values():
        needs.append(minimum_write_time(writes))
        if writes:
            lines.append(
                f"Plan: {writes} write(s) with the token of {', '.join(orgs)}; at least "
                f"{duration(needs[-1])} under GitHub's limits of 80 writes a minute and 500 "
                "an hour per token."
            )
    lanes = [0.0] * max(1, min(width, len(needs)))
    for need in needs:
        heapq.heapreplace(lanes, lanes[0] + need)
    total = max(lanes)
    if len(needs) > 1 and any(lanes):
        lines.append(
            f"Plan: {len(needs)} tokens, {min(width, len(needs))} at a time (max-parallel): "
            f"at least {duration(total)} in all."
        )
    if total <= limit:
        return WriteTime(lines, total, None)
    slowest = max(shares.values(), key=lambda share: minimum_write_time(share[1]))
    alone = minimum_write_time(slowest[1])
    if alone > limit:
        why = (
            f"the token of {', '.join(slowest[0])} has {slowest[1]} writes, which need at "
            f"least {duration(alone)}"
        )
    else:
        why = (
            f"{len(needs)} tokens, {len(lanes)} at a time (max-parallel), need at least "
            f"{duration(total)}"
        )
    return WriteTime(
        lines,
        total,
        ScaleError(
            f"The writes cannot finish within run-time-limit ({duration(limit)}): {why}, "
            "under GitHub's limits of 80 writes a minute and 500 an hour per token. Nothing "
            "was written.",
            remedy="Give each org its own token (the tokens input: one fine-grained token per "
            "org) and raise max-parallel, or split the orgs across jobs (README: At "
            "enterprise scale). Or raise run-time-limit (at most 360 minutes).",
        ),
    )


def duration(seconds: float) -> str:
    """Seconds as a person reads them: 45 s, 12 min, 3 h 20 min."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


def resolve_repositories(github: GitHub, org: str, refs: list[RepoRef]) -> tuple[Repository, ...]:
    """Map every entry to a repository of the org, names and numeric IDs alike.

    A single name costs one ``GET /repos``. Otherwise the org's repositories are paged
    through until every entry is found (one request per 100 repositories at most), so a
    numeric ID that is not a repository of the org is caught before anything is written:
    GitHub would silently drop it from the list.
    """
    found: dict[RepoRef, Repository] = {}
    seen: list[str] = []  # every name of the org read, for suggestions
    if len(refs) == 1 and refs[0].name is not None:
        repository = github.repository(org, refs[0].name)
        if repository is not None:
            found[refs[0]] = repository
    else:
        for repository in github.org_repositories(org):
            seen.append(repository.full_name.rpartition("/")[2])
            found |= {ref: repository for ref in refs if _matches(ref, repository)}
            if len(found) == len(set(refs)):
                break
    missing = [_with_hint(ref, seen) for ref in refs if ref not in found]
    if missing:
        raise RepositoryError(
            f"{len(missing)} repository entr{'y' if len(missing) == 1 else 'ies'} not found in "
            f"{org}: {', '.join(missing)}. Nothing was written.",
            remedy="Check the repositories input: each entry must be a repository of the org "
            "that the token can see (classic: repo scope for private ones; fine-grained: "
            "Metadata: read).",
        )
    # In the order given, each repository once.
    return tuple({found[ref].id: found[ref] for ref in refs}.values())


def _with_hint(ref: RepoRef, names: list[str]) -> str:
    """The entry as typed, with the org's closest repository name when one is near."""
    meant = suggest(ref.name, names) if ref.name else None
    return f"{ref.text} (did you mean {meant}?)" if meant else ref.text


def _matches(ref: RepoRef, repository: Repository) -> bool:
    if ref.id is not None:
        return repository.id == ref.id
    return repository.full_name.rpartition("/")[2].lower() == (ref.name or "").lower()
