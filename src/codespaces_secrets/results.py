"""What happened to each secret in each store of each org, shaped for the outputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

from .config import Repository, Store, Visibility


class Status(StrEnum):
    """The outcome for one secret in one store of one organization."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    WOULD_CREATE = "would-create"
    WOULD_UPDATE = "would-update"
    WOULD_DELETE = "would-delete"
    ABSENT = "absent"  # asked to delete a secret the store does not have: not an error
    FAILED = "failed"
    UNKNOWN = "unknown"  # in flight when the run was stopped: it may have been written


class ListChange(NamedTuple):
    """Two repository lists compared, by name: kept, added and removed (in list order)."""

    kept: list[str]
    added: list[str]
    removed: list[str]

    @classmethod
    def of(cls, before: Iterable[Repository], after: Iterable[Repository]) -> ListChange:
        """What changed from ``before`` to ``after`` (repositories matched by ID)."""
        old = {r.id: r.full_name for r in before}
        new = {r.id: r.full_name for r in after}
        return cls(
            [name for i, name in new.items() if i in old],
            [name for i, name in new.items() if i not in old],
            [name for i, name in old.items() if i not in new],
        )

    def marks(self) -> list[str]:
        """``+added`` and ``-removed`` names."""
        return [f"+{name}" for name in self.added] + [f"-{name}" for name in self.removed]


class SecretResult(NamedTuple):
    """The outcome for one secret: what it is now, and what it was before the run."""

    org: str
    store: Store
    name: str
    status: Status
    visibility: Visibility | None = None
    repositories: tuple[Repository, ...] = ()
    previous_visibility: Visibility | None = None  # None: it did not exist
    previous_repositories: tuple[Repository, ...] | None = None  # None unless selected
    error: str = ""
    note: str = ""  # what the user should know of a success (e.g. another writer's change)

    def as_output(self) -> dict[str, Any]:
        """The object written to the ``results`` output (never a value)."""
        previous = self.previous_repositories
        out: dict[str, Any] = {
            "org": self.org,
            "app": self.store.value,
            "name": self.name,
            "status": self.status.value,
            "visibility": self.visibility.value if self.visibility else None,
            "selected_repository_ids": [r.id for r in self.repositories],
            "previous_visibility": (
                self.previous_visibility.value if self.previous_visibility else None
            ),
            "previous_selected_repository_ids": (
                [r.id for r in previous] if previous is not None else None
            ),
        }
        if self.error:
            out["error"] = self.error
        if self.note:
            out["note"] = self.note
        return out


class StoreError(NamedTuple):
    """A failure of a whole store of an org (key, listing, limit, repositories)."""

    org: str
    store: Store | None  # None: the org as a whole (its repository entries)
    title: str
    message: str
    remedy: str


class RunResult(NamedTuple):
    """Every outcome of a run, with the key IDs used and the errors to annotate."""

    results: tuple[SecretResult, ...]
    key_ids: Mapping[tuple[str, Store], str] = MappingProxyType({})
    errors: tuple[str, ...] = ()
    store_errors: tuple[StoreError, ...] = ()
    dry_run: bool = False
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        """Whether anything failed: the step then exits 1."""
        return (
            self.interrupted
            or bool(self.errors)
            or any(r.status in (Status.FAILED, Status.UNKNOWN) for r in self.results)
        )

    @property
    def status(self) -> str:
        """One word for the whole run: the common status, ``mixed``, or ``failed``."""
        statuses = {r.status for r in self.results}
        if not statuses or self.interrupted:
            # A stopped run is never reported as a success, whatever it finished.
            return Status.FAILED.value
        if len(statuses) == 1:
            return statuses.pop().value
        return "mixed"
