"""Decide what to write in each organization before writing anything.

Two steps per org. ``fetch`` asks GitHub for everything the decisions need: the public
key, the existing secrets when a decision depends on them (keeping visibility, or a dry
run), the IDs of the named repositories, and the current list of any ``selected``
secret whose list must be kept. ``decide`` then settles each secret's visibility and
repositories without a request. All of it happens before the first write, so a wrong
repository entry anywhere stops the run clean (see ``core``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Job, RepoRef, Repository, Secret, Store, Visibility
from .errors import RepositoryError
from .events import Events
from .github import ExistingSecret, GitHub, PublicKey


@dataclass(frozen=True)
class Write:
    """One secret to write to one org, with the visibility and repositories decided."""

    secret: Secret
    visibility: Visibility
    repositories: tuple[Repository, ...]
    exists: bool | None  # None when not looked up (the PUT's 201/204 will tell)


@dataclass(frozen=True)
class OrgPlan:
    """Everything needed to write one organization's secrets."""

    org: str
    key: PublicKey
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class OrgFacts:
    """What GitHub said about one org, fetched once, before any decision."""

    key: PublicKey
    existing: dict[str, ExistingSecret] | None  # None: not listed (no decision needed it)
    chosen: tuple[Repository, ...] | None  # the repositories input for this org, resolved
    kept: dict[str, tuple[Repository, ...]]  # current lists of selected secrets to keep


def plan_org(org: str, job: Job, github: GitHub, events: Events) -> OrgPlan:
    """Fetch what one org's decisions need, then decide each secret."""
    return decide(org, job, fetch(org, job, github, events))


def fetch(org: str, job: Job, github: GitHub, events: Events) -> OrgFacts:
    """Every request one org's decisions need, and nothing more."""
    key = github.public_key(org, Store.CODESPACES)
    refs = [ref for ref in job.repositories if ref.applies_to(org)]
    if job.repositories and not refs:
        events.warning(f"No entry of repositories applies to {org}.")
    keep_list = not refs and job.visibility in (None, Visibility.SELECTED)
    existing = github.list_secrets(org, Store.CODESPACES) if keep_list or job.dry_run else None
    chosen = resolve_repositories(github, org, refs) if refs else None
    kept: dict[str, tuple[Repository, ...]] = {}
    if keep_list and existing:
        for secret in job.secrets:
            found = existing.get(secret.name)
            if found is not None and found.visibility is Visibility.SELECTED:
                # GitHub clears the list on a PUT without it, so read it to send it again.
                kept[secret.name] = tuple(
                    github.selected_repositories(org, Store.CODESPACES, secret.name)
                )
    return OrgFacts(key, existing, chosen, kept)


def decide(org: str, job: Job, facts: OrgFacts) -> OrgPlan:
    """Each secret's visibility and repositories, from the inputs and the facts alone."""
    writes = []
    for secret in job.secrets:
        found = facts.existing.get(secret.name) if facts.existing is not None else None
        exists = None if facts.existing is None else found is not None
        if facts.chosen is not None:
            writes.append(Write(secret, Visibility.SELECTED, facts.chosen, exists))
            continue
        # Empty visibility keeps what the secret has; a new secret is private.
        visibility = job.visibility or (found.visibility if found else Visibility.PRIVATE)
        repositories = facts.kept.get(secret.name, ()) if visibility is Visibility.SELECTED else ()
        writes.append(Write(secret, visibility, repositories, exists))
    return OrgPlan(org, facts.key, tuple(writes))


def resolve_repositories(github: GitHub, org: str, refs: list[RepoRef]) -> tuple[Repository, ...]:
    """Map the entries to repositories with as few requests as possible.

    One name: one ``GET /repos``. Several: page through the org's repositories and stop
    once all are found (one request per 100 repositories at most). Numeric IDs are taken
    as given; the read-back after writing checks that GitHub kept them.
    """
    resolved = [Repository(ref.id, str(ref.id)) for ref in refs if ref.id is not None]
    wanted = {ref.name.lower(): ref for ref in refs if ref.name is not None}
    if len(wanted) == 1:
        (ref,) = wanted.values()
        repository = github.repository(org, ref.text.rpartition("/")[2])
        if repository is not None:
            resolved.append(repository)
            wanted.clear()
    elif wanted:
        for repository in github.org_repositories(org):
            short = repository.full_name.rpartition("/")[2].lower()
            if wanted.pop(short, None) is not None:
                resolved.append(repository)
            if not wanted:
                break
    if wanted:
        missing = ", ".join(ref.text for ref in wanted.values())
        raise RepositoryError(
            f"{len(wanted)} repository entr{'y' if len(wanted) == 1 else 'ies'} not found in "
            f"{org}: {missing}. Nothing was written.",
            remedy="Check the repositories input: each entry must be a repository of the org "
            "that the token can see (classic: repo scope for private ones; fine-grained: "
            "Metadata: read).",
        )
    return tuple({repository.id: repository for repository in resolved}.values())
