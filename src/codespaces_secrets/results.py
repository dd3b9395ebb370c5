"""What happened to each secret in each organization, in the shape the outputs need."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .config import Repository, Visibility


class Status(StrEnum):
    """The outcome for one secret in one organization."""

    CREATED = "created"
    UPDATED = "updated"
    WOULD_CREATE = "would-create"
    WOULD_UPDATE = "would-update"
    FAILED = "failed"


@dataclass(frozen=True)
class SecretResult:
    """The outcome for one secret in one org, with the repositories it may be used in."""

    org: str
    name: str
    status: Status
    visibility: Visibility | None = None
    repositories: tuple[Repository, ...] = ()
    error: str = ""

    def as_output(self) -> dict[str, Any]:
        """The object written to the ``results`` output (never a value)."""
        out: dict[str, Any] = {
            "org": self.org,
            "name": self.name,
            "status": self.status.value,
            "visibility": self.visibility.value if self.visibility else None,
            "selected_repository_ids": [r.id for r in self.repositories],
        }
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class RunResult:
    """Every outcome of a run, with the key IDs used and the errors to annotate."""

    results: tuple[SecretResult, ...]
    key_ids: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether anything failed: the step then exits 1."""
        return bool(self.errors) or any(r.status is Status.FAILED for r in self.results)

    @property
    def status(self) -> str:
        """One word for the whole run: the common status, ``mixed``, or ``failed``."""
        statuses = {r.status for r in self.results}
        if not statuses:
            return Status.FAILED.value
        if len(statuses) == 1:
            return statuses.pop().value
        return "mixed"
