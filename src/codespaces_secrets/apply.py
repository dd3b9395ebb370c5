"""Carry out one store's plan: seal and write, delete, and check what GitHub kept.

Writes come before deletes, so a renamed secret never leaves a gap. At GitHub's count
limit a new secret needs room: then one secret that the run deletes anyway is deleted
right before that write, and no sooner. If such a write fails, the deleted secret is
gone without its replacement: that is said in an error, and no further secret is
deleted to make room in that store. Secrets chosen by ``prune`` are not deleted when a
write to the same store failed: the batch did not land, so what it no longer holds is
not yet stale.

Every outcome goes to the ``Ledger`` the moment it is known, and a write is marked in
flight before it is sent, so a run stopped at any point reports exactly what it knows.
GitHub has no conditional writes: between the plan and a write, another writer can
change a secret. What can be seen is: the kept repository list is read again right
before its write (a change since the plan is used, and said), and a PUT answered
"updated" for a secret the plan did not see is reported as created by someone else.
"""

from __future__ import annotations

from collections.abc import Callable

from .config import Store, Visibility
from .crypto import seal
from .errors import ActionError, ApiError, Interrupted, KeyRejectedError, LimitError
from .events import Events
from .github import GitHub, Outcome, PublicKey
from .ledger import Ledger
from .plan import Delete, StorePlan, Write
from .results import ListChange, SecretResult, Status

NOT_PRUNED = "not pruned: a write to this store failed"
NO_ROOM = (
    "not written: the store is at GitHub's limit, and after a failed write no more "
    "secrets are deleted to make room"
)
CREATED_ELSEWHERE = "created by someone else meanwhile: its previous state is unknown"


class StoreRun:
    """One store's writes and deletes, with the public key as it stands during the run."""

    def __init__(
        self,
        plan: StorePlan,
        github: GitHub,
        events: Events,
        ledger: Ledger,
        *,
        dry_run: bool = False,
        stopped: Callable[[], bool] = lambda: False,
        done: Callable[[str, Store], None] | None = None,
    ) -> None:
        self.plan, self.github, self.events, self.ledger = plan, github, events, ledger
        self.dry_run, self.stopped, self.done = dry_run, stopped, done
        self.where = f"{plan.org} ({plan.store.label})"
        self.key = plan.key  # replaced if GitHub says it changed during the run
        self.errors: list[str] = []
        self.room = plan.room  # None: the store has no count limit
        self.room_lost = False  # a write that was given room failed
        self.write_failed = False

    def run(self) -> None:
        """Write, then delete what is left to delete; every outcome goes to the ledger."""
        pending = [d for d in self.plan.deletes if d.before is not None]
        for write in self.plan.writes:
            if self.write(write, pending).status is Status.FAILED:
                self.write_failed = True
        for delete in self.plan.deletes:
            if delete in pending or delete.before is None:
                self.delete(delete, self.write_failed)

    def _check_stop(self) -> None:
        if self.stopped():
            raise Interrupted(0)

    def write(self, write: Write, pending: list[Delete]) -> SecretResult:
        """Seal and write one secret (a dry run only seals), then read back its list."""
        name = write.secret.name
        needs_room = write.before is None and self.room is not None and self.room <= 0
        # A pruned secret is stale only once the batch has landed: none after a failure.
        usable = [d for d in pending if not (d.pruned and self.write_failed)]
        if needs_room and (self.room_lost or not usable):
            return self._failed(write, NO_ROOM)
        made_room: Delete | None = None
        if needs_room:
            made_room = usable[0]
            pending.remove(made_room)
            self.events.info(
                f"{self.where}: deleting {made_room.name} first, to make room for {name} "
                "under GitHub's limit."
            )
            if self.delete(made_room, write_failed=False).status is Status.FAILED:
                return self._failed(write, "not written: no room was made for it")
        try:
            if write.keep_list and not self.dry_run:
                write = self._fresh_list(write)
            if self.dry_run:
                seal(self._key().key, write.secret.value)  # proves the key works
                status = Status.WOULD_UPDATE if write.before else Status.WOULD_CREATE
                note = ""
            else:
                status, note = self._put(write)
        except ActionError as exc:
            self.errors.append(str(exc))
            if made_room is not None:
                self._lost_room(made_room, write)
            return self._failed(write, exc.message)
        if write.before is None and self.room is not None:
            self.room -= 1
        self.events.info(f"{self.where}: {name} {status.value} ({write.visibility}).")
        result = _written(self.plan, write, status, note=note)
        if not self.dry_run and write.visibility is Visibility.SELECTED:
            result = self._read_back(write, result)
        return self._record(result)

    def _failed(self, write: Write, error: str) -> SecretResult:
        return self._record(_written(self.plan, write, Status.FAILED, error=error))

    def _lost_room(self, deleted: Delete, write: Write) -> None:
        """A secret was deleted to make room for a write that then failed: say so."""
        self.room_lost = True
        error = LimitError(
            f"{deleted.name} was deleted from {self.where} to make room for "
            f"{write.secret.name}, but writing {write.secret.name} failed: neither is "
            "there now. No more secrets are deleted to make room in this store.",
            remedy=f"Fix the cause of {write.secret.name}'s failure and re-run: it is then "
            "written into the room left.",
        )
        self.errors.append(str(error))

    def _fresh_list(self, write: Write) -> Write:
        """The kept repository list as it is now: another writer may have changed it."""
        plan, name = self.plan, write.secret.name
        now = tuple(self.github.selected_repositories(plan.org, plan.store, name))
        if {r.id for r in now} == {r.id for r in write.repositories}:
            return write
        self.events.warning(
            f"{self.where}: the repository list of {name} changed since the plan "
            f"({', '.join(ListChange.of(write.repositories, now).marks())}); the list as it is now "
            "is kept."
        )
        return write._replace(repositories=now)

    def _key(self) -> PublicKey:
        if self.key is None:  # pragma: no cover - plan fetches a key whenever it writes
            raise AssertionError("a write without a public key")
        return self.key

    def _put(self, write: Write) -> tuple[Status, str]:
        """Write one secret; if GitHub says the key changed, fetch it again once and retry."""
        self._check_stop()
        self.ledger.sending(_written(self.plan, write, Status.UNKNOWN))
        try:
            outcome = self._send(write)
        except KeyRejectedError:
            self.events.retry(
                f"{self.where}: the public key changed during the run; fetching it again."
            )
            self.key = self.github.public_key(self.plan.org, self.plan.store)
            outcome = self._send(write)
        if outcome.done or (write.before is None and outcome.retried):
            # A retried PUT answered "updated": its lost first attempt created it.
            return Status.CREATED, ""
        if write.before is None:
            self.events.warning(f"{self.where}: {write.secret.name} {CREATED_ELSEWHERE}.")
            return Status.UPDATED, CREATED_ELSEWHERE
        return Status.UPDATED, ""

    def _send(self, write: Write) -> Outcome:
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

    def _read_back(self, write: Write, result: SecretResult) -> SecretResult:
        """Report the list GitHub kept: it silently drops IDs it will not attach."""
        plan, name = self.plan, write.secret.name
        try:
            kept = tuple(self.github.selected_repositories(plan.org, plan.store, name))
        except ApiError as exc:
            # Written all the same: say so, with the problem of the read-back.
            self.errors.append(f"{name} was written to {self.where}; {exc}")
            return result._replace(error=f"written; read-back failed: {exc.message}")
        kept_ids = {r.id for r in kept}
        dropped = [r.full_name for r in write.repositories if r.id not in kept_ids]
        if not dropped:
            return result._replace(repositories=kept)
        count = f"{len(dropped)} repositor{'y' if len(dropped) == 1 else 'ies'}"
        if write.keep_list:
            remedy = (
                "The list was kept from before; GitHub no longer attaches these, so they "
                "were deleted, moved to another org, or hidden from the token since. "
                "Nothing needs doing unless they should have access: then add them."
            )
        else:
            remedy = "Each must be a repository of the org that the token can see."
        error = f"{name} was written to {self.where}, but GitHub did not attach {count}: "
        error += f"{', '.join(dropped)}."
        self.errors.append(f"{error} {remedy}")
        return result._replace(status=Status.FAILED, error=error, repositories=kept)

    def delete(self, delete: Delete, write_failed: bool) -> SecretResult:
        """Delete one secret (a dry run only tells); absent is not an error."""
        plan = self.plan
        if delete.before is None:
            status = Status.ABSENT  # the listing has no such secret: nothing to do
        elif delete.pruned and write_failed:
            return self._record(_deleted(plan, delete, Status.FAILED, NOT_PRUNED))
        elif self.dry_run:
            status = Status.WOULD_DELETE
            self.room = None if self.room is None else self.room + 1
        else:
            self._check_stop()
            self.ledger.sending(_deleted(plan, delete, Status.UNKNOWN))
            try:
                outcome = self.github.delete_secret(plan.org, plan.store, delete.name)
            except ActionError as exc:
                self.errors.append(str(exc))
                return self._record(_deleted(plan, delete, Status.FAILED, exc.message))
            # A retried DELETE answered "not found": its lost first attempt deleted it.
            status = Status.DELETED if outcome.done or outcome.retried else Status.ABSENT
            if status is Status.DELETED and self.room is not None:
                self.room += 1
        reason = " (prune)" if delete.pruned else ""
        self.events.info(f"{self.where}: {delete.name} {status.value}{reason}.")
        return self._record(_deleted(plan, delete, status))

    def _record(self, result: SecretResult) -> SecretResult:
        self.ledger.record(result)
        if self.done is not None and (result.previous_visibility or result.visibility):
            self.done(self.plan.org, self.plan.store)  # a write, or a delete of a secret
        return result


def _written(
    plan: StorePlan, write: Write, status: Status, error: str = "", note: str = ""
) -> SecretResult:
    before = write.before
    return SecretResult(
        plan.org,
        plan.store,
        write.secret.name,
        status,
        write.visibility,
        write.repositories,
        before.visibility if before else None,
        before.repositories if before else None,
        error,
        note,
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
