"""Decide everything a run will change before changing anything.

Per org, repository entries are resolved once (shared by every store); then per store,
``fetch`` asks GitHub for what the decisions need — the public key (only when something
is written), the listing of existing secrets (always: GitHub's count limit, create versus
update, deletes, prune), and the repository list of every existing ``selected`` secret
the run touches (to keep it, and to report before → after). ``decide`` then settles each
write and delete, the order of the two, and the count limit, without a request.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import NamedTuple

from .config import STORE_LIMITS, Job, RepoRef, Repository, Secret, Store, Visibility
from .errors import ActionError, LimitError, RepositoryError
from .github import ExistingSecret, GitHub, PublicKey


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


class Delete(NamedTuple):
    """One secret to delete; ``before`` None means the store has no such secret."""

    name: str
    before: Before | None
    pruned: bool  # chosen by prune rather than named in delete


class StorePlan(NamedTuple):
    """Everything needed to change one store of one org."""

    org: str
    store: Store
    key: PublicKey | None  # None when nothing is written
    writes: tuple[Write, ...]
    deletes: tuple[Delete, ...]
    deletes_first: bool  # writing first would take the store past GitHub's limit


class StoreFailure(NamedTuple):
    """A store that failed before any change: everything planned in it fails with this."""

    org: str
    store: Store
    error: ActionError


class StoreFacts(NamedTuple):
    """What GitHub said about one store of one org, fetched once, before any decision."""

    key: PublicKey | None
    existing: dict[str, ExistingSecret]
    lists: dict[str, tuple[Repository, ...]]  # current lists of touched selected secrets


def plan_org(org: str, job: Job, github: GitHub) -> tuple[StorePlan | StoreFailure, ...]:
    """Plan every store of one org; a wrong repository entry raises ``RepositoryError``."""
    refs = [ref for ref in job.repositories if ref.applies_to(org)]
    chosen = resolve_repositories(github, org, refs) if refs else None
    plans: list[StorePlan | StoreFailure] = []
    for store in job.stores:
        try:
            plans.append(decide(org, store, job, chosen, fetch(org, store, job, github)))
        except ActionError as exc:
            plans.append(StoreFailure(org, store, exc))
    return tuple(plans)


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
        kept = before.repositories if before and before.repositories is not None else ()
        repositories = kept if visibility is Visibility.SELECTED else ()
        writes.append(Write(secret, visibility, repositories, before))
    deletes = [Delete(name, _before(name, facts), pruned=False) for name in job.deletes]
    deletes += [
        Delete(name, _before(name, facts), pruned=True) for name in _pruned(job, facts.existing)
    ]
    deletes_first = _check_limit(org, store, len(facts.existing), writes, deletes)
    return StorePlan(org, store, facts.key, tuple(writes), tuple(deletes), deletes_first)


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
) -> bool:
    """Refuse a plan that would pass GitHub's count limit; say whether deletes go first.

    The store must never be over the limit at any moment: when writing first would pass
    it but the deletes bring the count back under, the deletes go first.
    """
    limit = STORE_LIMITS.get(store)
    if limit is None:
        return False
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
    return existing + new > limit


def resolve_repositories(github: GitHub, org: str, refs: list[RepoRef]) -> tuple[Repository, ...]:
    """Map every entry to a repository of the org, names and numeric IDs alike.

    A single name costs one ``GET /repos``. Otherwise the org's repositories are paged
    through until every entry is found (one request per 100 repositories at most), so a
    numeric ID that is not a repository of the org is caught before anything is written:
    GitHub would silently drop it from the list.
    """
    found: dict[RepoRef, Repository] = {}
    if len(refs) == 1 and refs[0].name is not None:
        repository = github.repository(org, refs[0].name)
        if repository is not None:
            found[refs[0]] = repository
    else:
        for repository in github.org_repositories(org):
            found |= {ref: repository for ref in refs if _matches(ref, repository)}
            if len(found) == len(set(refs)):
                break
    missing = [ref.text for ref in refs if ref not in found]
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


def _matches(ref: RepoRef, repository: Repository) -> bool:
    if ref.id is not None:
        return repository.id == ref.id
    return repository.full_name.rpartition("/")[2].lower() == (ref.name or "").lower()
