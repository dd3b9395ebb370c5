"""Carry out the plans: seal each value, write it, and check what GitHub kept.

The domain flow in one place: validate (done by ``inputs``) -> plan (key, existing
secrets, repository IDs) -> seal -> PUT -> read back the repository list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .config import Config, Visibility
from .crypto import seal
from .errors import ActionError, KeyRejectedError, RepositoryError
from .github import GitHub, PublicKey
from .plan import OrgFailure, OrgPlan, Write, plan
from .results import RunResult, SecretResult, Status


@dataclass(frozen=True)
class Events:
    """Where the core reports progress; the action and the CLI print these differently."""

    info: Callable[[str], None]
    warning: Callable[[str], None]


def run(config: Config, github: GitHub, events: Events) -> RunResult:
    """Plan every org, then (unless a repository entry is wrong) write every secret."""
    plans, failures = plan(config, github, events.warning)
    return write(plans, failures, config, github, events)


def write(
    plans: list[OrgPlan],
    failures: list[OrgFailure],
    config: Config,
    github: GitHub,
    events: Events,
) -> RunResult:
    """Write what was planned; orgs that failed planning fail all their secrets."""
    results: list[SecretResult] = []
    errors: list[str] = []
    bad_repositories = [f for f in failures if isinstance(f.error, RepositoryError)]
    for failure in failures:
        errors.append(str(failure.error))
        results.extend(
            SecretResult(failure.org, s.name, Status.FAILED, error=failure.error.message)
            for s in config.secrets
        )
    for org_plan in plans:
        if bad_repositories:
            # A wrong repository list is the user's to fix: write nowhere until it is.
            results.extend(
                SecretResult(
                    org_plan.org,
                    w.secret.name,
                    Status.FAILED,
                    error="not attempted: a repository entry is wrong (see the other errors)",
                )
                for w in org_plan.writes
            )
            continue
        results.extend(_write_org(org_plan, config.dry_run, github, events, errors))
    key_ids = {p.org: p.key.key_id for p in plans}
    return RunResult(tuple(_in_input_order(results, config)), key_ids, tuple(errors))


def _in_input_order(results: list[SecretResult], config: Config) -> list[SecretResult]:
    org_rank = {org: index for index, org in enumerate(config.orgs)}
    return sorted(results, key=lambda r: org_rank[r.org])


def _write_org(
    org_plan: OrgPlan, dry_run: bool, github: GitHub, events: Events, errors: list[str]
) -> list[SecretResult]:
    key = org_plan.key
    results = []
    for write in org_plan.writes:
        try:
            if dry_run:
                seal(key.key, write.secret.value)  # proves the key works; nothing is sent
                status = Status.WOULD_UPDATE if write.exists else Status.WOULD_CREATE
                results.append(_result(org_plan.org, write, status))
                continue
            key, created = _put(org_plan.org, key, write, github, events)
            status = Status.CREATED if created else Status.UPDATED
            events.info(f"{org_plan.org}: {write.secret.name} {status.value} ({write.visibility}).")
            if write.visibility is Visibility.SELECTED:
                _check_kept(org_plan.org, write, github)
            results.append(_result(org_plan.org, write, status))
        except ActionError as exc:
            errors.append(str(exc))
            results.append(_result(org_plan.org, write, Status.FAILED, exc.message))
    return results


def _put(
    org: str, key: PublicKey, write: Write, github: GitHub, events: Events
) -> tuple[PublicKey, bool]:
    """Write one secret; if GitHub says the key changed, fetch it again once and retry."""
    try:
        return key, _send(org, key, write, github)
    except KeyRejectedError:
        events.warning(f"{org}: the public key changed during the run; fetching it again.")
        key = github.public_key(org)
        return key, _send(org, key, write, github)


def _send(org: str, key: PublicKey, write: Write, github: GitHub) -> bool:
    return github.put_secret(
        org,
        write.secret.name,
        encrypted_value=seal(key.key, write.secret.value),
        key_id=key.key_id,
        visibility=write.visibility,
        repository_ids=write.repository_ids,
    )


def _check_kept(org: str, write: Write, github: GitHub) -> None:
    """GitHub silently drops repository IDs it will not attach; say so instead."""
    kept = {r.id for r in github.selected_repositories(org, write.secret.name)}
    names = dict(zip(write.repository_ids, write.repositories, strict=True))
    dropped = [names[i] for i in write.repository_ids if i not in kept]
    if dropped:
        raise RepositoryError(
            f"{write.secret.name} was written to {org}, but GitHub did not attach "
            f"{len(dropped)} repositor{'y' if len(dropped) == 1 else 'ies'}: "
            f"{', '.join(dropped)}.",
            remedy="Each must be a repository of the org that the token can see; numeric IDs "
            "from another org are dropped.",
        )


def _result(org: str, write: Write, status: Status, error: str = "") -> SecretResult:
    return SecretResult(
        org,
        write.secret.name,
        status,
        write.visibility,
        write.repository_ids,
        write.repositories,
        error,
    )
