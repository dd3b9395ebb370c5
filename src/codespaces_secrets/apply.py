"""Carry out one store's plan: seal and write, delete, and check what GitHub kept.

Writes come before deletes, so a renamed secret never leaves a gap — unless writing
first would take the store past GitHub's count limit, in which case the plan says the
deletes go first. Secrets chosen by ``prune`` are not deleted when a write to the same
store failed: the batch did not land, so what it no longer holds is not yet stale.
"""

from __future__ import annotations

from .config import Repository, Visibility
from .crypto import seal
from .errors import ActionError, ApiError, KeyRejectedError, RepositoryError
from .events import Events
from .github import GitHub, PublicKey
from .plan import Delete, StorePlan, Write
from .results import SecretResult, Status


class StoreOutcome:
    """What happened in one store: a result per secret, and the errors to report."""

    def __init__(self) -> None:
        self.results: list[SecretResult] = []
        self.errors: list[str] = []


def apply_store(plan: StorePlan, dry_run: bool, github: GitHub, events: Events) -> StoreOutcome:
    """Write and delete as planned (a dry run seals and tells); one failure stops none."""
    return _StoreRun(plan, dry_run, github, events).run()


class _StoreRun:
    """One store's writes and deletes, with the public key as it stands during the run."""

    def __init__(self, plan: StorePlan, dry_run: bool, github: GitHub, events: Events) -> None:
        self.plan, self.dry_run, self.github, self.events = plan, dry_run, github, events
        self.where = f"{plan.org} ({plan.store.label})"
        self.key = plan.key  # replaced if GitHub says it changed during the run
        self.outcome = StoreOutcome()

    def run(self) -> StoreOutcome:
        plan = self.plan
        if plan.deletes_first:
            self.events.info(
                f"{self.where}: deleting first, since writing first would pass GitHub's limit."
            )
            deleted = [self.delete(d, write_failed=False) for d in plan.deletes]
            written = [self.write(w) for w in plan.writes]
        else:
            written = [self.write(w) for w in plan.writes]
            write_failed = any(r.status is Status.FAILED for r in written)
            deleted = [self.delete(d, write_failed) for d in plan.deletes]
        self.outcome.results = written + deleted
        return self.outcome

    def write(self, write: Write) -> SecretResult:
        """Seal and write one secret (a dry run only seals), then read back its list."""
        try:
            if self.dry_run:
                seal(self._key().key, write.secret.value)  # proves the key works
                status = Status.WOULD_UPDATE if write.before else Status.WOULD_CREATE
            else:
                status = Status.CREATED if self._put(write) else Status.UPDATED
        except ActionError as exc:
            self.outcome.errors.append(str(exc))
            return _written(self.plan, write, Status.FAILED, error=exc.message)
        self.events.info(f"{self.where}: {write.secret.name} {status.value} ({write.visibility}).")
        if self.dry_run or write.visibility is not Visibility.SELECTED:
            return _written(self.plan, write, status)
        return self._read_back(write, status)

    def _key(self) -> PublicKey:
        if self.key is None:  # pragma: no cover - plan fetches a key whenever it writes
            raise AssertionError("a write without a public key")
        return self.key

    def _put(self, write: Write) -> bool:
        """Write one secret; if GitHub says the key changed, fetch it again once and retry."""
        try:
            return self._send(write)
        except KeyRejectedError:
            self.events.retry(
                f"{self.where}: the public key changed during the run; fetching it again."
            )
            self.key = self.github.public_key(self.plan.org, self.plan.store)
            return self._send(write)

    def _send(self, write: Write) -> bool:
        key = self._key()
        return self.github.put_secret(
            self.plan.org,
            self.plan.store,
            write.secret.name,
            encrypted_value=seal(key.key, write.secret.value),
            key_id=key.key_id,
            visibility=write.visibility,
            repository_ids=tuple(r.id for r in write.repositories),
        )

    def _read_back(self, write: Write, status: Status) -> SecretResult:
        """Report the list GitHub kept: it silently drops IDs it will not attach."""
        plan, name = self.plan, write.secret.name
        try:
            kept = tuple(self.github.selected_repositories(plan.org, plan.store, name))
        except ApiError as exc:
            # Written all the same: say so, with the problem of the read-back.
            self.outcome.errors.append(f"{name} was written to {self.where}; {exc}")
            return _written(plan, write, status, error=f"written; read-back failed: {exc.message}")
        kept_ids = {r.id for r in kept}
        dropped = [r.full_name for r in write.repositories if r.id not in kept_ids]
        if not dropped:
            return _written(plan, write, status, kept=kept)
        count = f"{len(dropped)} repositor{'y' if len(dropped) == 1 else 'ies'}"
        error = RepositoryError(
            f"{name} was written to {self.where}, but GitHub did not attach {count}: "
            f"{', '.join(dropped)}.",
            remedy="Each must be a repository of the org that the token can see.",
        )
        self.outcome.errors.append(str(error))
        return _written(plan, write, Status.FAILED, error=error.message, kept=kept)

    def delete(self, delete: Delete, write_failed: bool) -> SecretResult:
        """Delete one secret (a dry run only tells); absent is not an error."""
        plan = self.plan
        if delete.before is None:
            status = Status.ABSENT  # the listing has no such secret: nothing to do
        elif delete.pruned and write_failed:
            error = "not pruned: a write to this store failed"
            return _deleted(plan, delete, Status.FAILED, error)
        elif self.dry_run:
            status = Status.WOULD_DELETE
        else:
            try:
                gone = self.github.delete_secret(plan.org, plan.store, delete.name)
            except ActionError as exc:
                self.outcome.errors.append(str(exc))
                return _deleted(plan, delete, Status.FAILED, exc.message)
            status = Status.DELETED if gone else Status.ABSENT
        reason = " (prune)" if delete.pruned else ""
        self.events.info(f"{self.where}: {delete.name} {status.value}{reason}.")
        return _deleted(plan, delete, status)


def _written(
    plan: StorePlan,
    write: Write,
    status: Status,
    error: str = "",
    kept: tuple[Repository, ...] | None = None,
) -> SecretResult:
    before = write.before
    return SecretResult(
        plan.org,
        plan.store,
        write.secret.name,
        status,
        write.visibility,
        write.repositories if kept is None else kept,
        before.visibility if before else None,
        before.repositories if before else None,
        error,
    )


def _deleted(plan: StorePlan, delete: Delete, status: Status, error: str = "") -> SecretResult:
    before = delete.before
    return SecretResult(
        plan.org,
        plan.store,
        delete.name,
        status,
        previous_visibility=before.visibility if before else None,
        previous_repositories=before.repositories if before else None,
        error=error,
    )
