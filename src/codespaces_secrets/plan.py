"""Decide what to write in each organization before writing anything.

For each org: fetch the public key, list existing secrets only when a decision needs
them (keeping visibility, or a dry run), resolve repository names once, and read the
repository list of any selected secret whose list must be kept. All of it happens
before the first write, so a wrong repository name anywhere stops the run clean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .config import Config, RepoRef, Secret, Visibility
from .errors import ActionError, RepositoryError
from .github import ExistingSecret, GitHub, PublicKey


@dataclass(frozen=True)
class Write:
    """One secret to write to one org, with the visibility and repositories decided."""

    secret: Secret
    visibility: Visibility
    repository_ids: tuple[int, ...]
    repositories: tuple[str, ...]
    exists: bool | None  # None when not looked up (the PUT's 201/204 will tell)


@dataclass(frozen=True)
class OrgPlan:
    """Everything needed to write one organization's secrets."""

    org: str
    key: PublicKey
    writes: tuple[Write, ...]


@dataclass(frozen=True)
class OrgFailure:
    """An organization that failed before any write: all its secrets fail with this."""

    org: str
    error: ActionError


def plan(
    config: Config, github: GitHub, warn: Callable[[str], None]
) -> tuple[list[OrgPlan], list[OrgFailure]]:
    """Plan every org; an org's failure does not stop the others from being planned."""
    plans: list[OrgPlan] = []
    failures: list[OrgFailure] = []
    for org in config.orgs:
        try:
            plans.append(plan_org(org, config, github, warn))
        except ActionError as exc:
            failures.append(OrgFailure(org, exc))
    return plans, failures


def plan_org(org: str, config: Config, github: GitHub, warn: Callable[[str], None]) -> OrgPlan:
    """Fetch what one org's decisions need and decide each secret's visibility."""
    key = github.public_key(org)
    refs = [ref for ref in config.repositories if ref.applies_to(org)]
    if config.repositories and not refs:
        warn(f"No entry of repositories applies to {org}.")
    keep_list = not refs and config.visibility in (None, Visibility.SELECTED)
    existing = github.list_secrets(org) if keep_list or config.dry_run else None
    resolved = resolve_repositories(github, org, refs) if refs else {}
    writes = []
    for secret in config.secrets:
        found = existing.get(secret.name) if existing is not None else None
        listed = existing is not None
        writes.append(_decide(org, secret, config, bool(refs), resolved, found, listed, github))
    return OrgPlan(org, key, tuple(writes))


def _decide(
    org: str,
    secret: Secret,
    config: Config,
    has_refs: bool,
    resolved: dict[int, str],
    found: ExistingSecret | None,
    listed: bool,
    github: GitHub,
) -> Write:
    exists = found is not None if listed else None
    if has_refs:
        return Write(secret, Visibility.SELECTED, tuple(resolved), tuple(resolved.values()), exists)
    visibility = config.visibility
    if visibility is None:
        # Empty visibility keeps what the secret has; a new secret is private.
        visibility = found.visibility if found else Visibility.PRIVATE
    if visibility is Visibility.SELECTED and found and found.visibility is Visibility.SELECTED:
        # GitHub clears the list on a PUT without it, so read it and send it again.
        kept = github.selected_repositories(org, secret.name)
        return Write(
            secret,
            visibility,
            tuple(r.id for r in kept),
            tuple(r.full_name for r in kept),
            exists,
        )
    return Write(secret, visibility, (), (), exists)


def resolve_repositories(github: GitHub, org: str, refs: list[RepoRef]) -> dict[int, str]:
    """Map the entries to repository IDs with as few requests as possible.

    One name: one ``GET /repos``. Several: page through the org's repositories and stop
    once all are found (one request per 100 repositories at most). Numeric IDs are taken
    as given; the read-back after writing checks that GitHub kept them.
    """
    resolved: dict[int, str] = {ref.id: str(ref.id) for ref in refs if ref.id is not None}
    wanted = {ref.name.lower(): ref for ref in refs if ref.name is not None}
    if len(wanted) == 1:
        (ref,) = wanted.values()
        repository = github.repository(org, ref.text.rpartition("/")[2])
        if repository is not None:
            resolved[repository.id] = repository.full_name
            wanted.clear()
    elif wanted:
        for repository in github.org_repositories(org):
            short = repository.full_name.rpartition("/")[2].lower()
            if wanted.pop(short, None) is not None:
                resolved[repository.id] = repository.full_name
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
    return resolved
