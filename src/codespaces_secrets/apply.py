"""Carry out one organization's plan: seal each value, write it, check what GitHub kept."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Store, Visibility
from .crypto import seal
from .errors import ActionError, KeyRejectedError, RepositoryError
from .events import Events
from .github import GitHub, PublicKey
from .plan import OrgPlan, Write
from .results import SecretResult, Status


@dataclass(frozen=True)
class OrgOutcome:
    """What happened in one org: a result per secret, and the errors to report."""

    results: tuple[SecretResult, ...]
    errors: tuple[str, ...]


def write_org(org_plan: OrgPlan, dry_run: bool, github: GitHub, events: Events) -> OrgOutcome:
    """Write (or, in a dry run, seal only) every secret of the plan; one failure stops none."""
    org, key = org_plan.org, org_plan.key
    results: list[SecretResult] = []
    errors: list[str] = []
    for write in org_plan.writes:
        try:
            if dry_run:
                seal(key.key, write.secret.value)  # proves the key works; nothing is sent
                status = Status.WOULD_UPDATE if write.exists else Status.WOULD_CREATE
                results.append(result_of(org, write, status))
                continue
            key, created = _put(org, key, write, github, events)
            status = Status.CREATED if created else Status.UPDATED
            events.info(f"{org}: {write.secret.name} {status.value} ({write.visibility}).")
            if write.visibility is Visibility.SELECTED:
                _check_kept(org, write, github)
            results.append(result_of(org, write, status))
        except ActionError as exc:
            errors.append(str(exc))
            results.append(result_of(org, write, Status.FAILED, exc.message))
    return OrgOutcome(tuple(results), tuple(errors))


def _put(
    org: str, key: PublicKey, write: Write, github: GitHub, events: Events
) -> tuple[PublicKey, bool]:
    """Write one secret; if GitHub says the key changed, fetch it again once and retry."""
    try:
        return key, _send(org, key, write, github)
    except KeyRejectedError:
        events.warning(f"{org}: the public key changed during the run; fetching it again.")
        key = github.public_key(org, Store.CODESPACES)
        return key, _send(org, key, write, github)


def _send(org: str, key: PublicKey, write: Write, github: GitHub) -> bool:
    return github.put_secret(
        org,
        Store.CODESPACES,
        write.secret.name,
        encrypted_value=seal(key.key, write.secret.value),
        key_id=key.key_id,
        visibility=write.visibility,
        repository_ids=tuple(r.id for r in write.repositories),
    )


def _check_kept(org: str, write: Write, github: GitHub) -> None:
    """GitHub silently drops repository IDs it will not attach; say so instead."""
    kept = {r.id for r in github.selected_repositories(org, Store.CODESPACES, write.secret.name)}
    dropped = [r.full_name for r in write.repositories if r.id not in kept]
    if dropped:
        raise RepositoryError(
            f"{write.secret.name} was written to {org}, but GitHub did not attach "
            f"{len(dropped)} repositor{'y' if len(dropped) == 1 else 'ies'}: "
            f"{', '.join(dropped)}.",
            remedy="Each must be a repository of the org that the token can see; numeric IDs "
            "from another org are dropped.",
        )


def result_of(org: str, write: Write, status: Status, error: str = "") -> SecretResult:
    """The result of one planned write."""
    return SecretResult(org, write.secret.name, status, write.visibility, write.repositories, error)
