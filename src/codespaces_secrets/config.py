"""The validated, typed configuration of one run: what to do, and how to reach GitHub.

Split in two on purpose: a ``Job`` says what to write where and is all that planning and
writing see; an ``Access`` holds the credentials, the API root and the retry policy and
goes only to the transport. Frozen dataclasses, so nothing downstream can alter a
decision made during validation; the token and secret values are hidden from ``repr`` so
that a stray debug print or a traceback's locals cannot show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum


class Visibility(StrEnum):
    """Which repositories of the organization can use a Codespaces secret."""

    ALL = "all"
    PRIVATE = "private"
    SELECTED = "selected"


class Store(StrEnum):
    """One of GitHub's organization secret stores; the value is its path segment."""

    CODESPACES = "codespaces"
    DEPENDABOT = "dependabot"
    ACTIONS = "actions"
    AGENTS = "agents"

    @property
    def label(self) -> str:
        """How GitHub's documentation names the store."""
        return _STORE_LABELS[self]


_STORE_LABELS = {
    Store.CODESPACES: "Codespaces",
    Store.DEPENDABOT: "Dependabot",
    Store.ACTIONS: "Actions",
    Store.AGENTS: "Copilot agents",
}


@dataclass(frozen=True)
class Secret:
    """One secret to write: its (upper-cased) name and its exact value."""

    name: str
    value: str = field(repr=False)


@dataclass(frozen=True)
class RepoRef:
    """One entry of the ``repositories`` input: a name, ``owner/name``, or a numeric ID."""

    text: str
    owner: str | None = None
    name: str | None = None
    id: int | None = None

    def applies_to(self, org: str) -> bool:
        """Whether this entry selects a repository of ``org`` (unqualified names apply to all)."""
        return self.owner is None or self.owner.lower() == org.lower()


@dataclass(frozen=True)
class Repository:
    """A repository as far as the action cares: its ID and how to name it to a user."""

    id: int
    full_name: str


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how often transient GitHub faults are retried (see ``retry``)."""

    max_attempts: int = 5
    max_total_wait: float = 300.0


@dataclass(frozen=True)
class Job:
    """What one run does: in which orgs and stores to write and delete which secrets."""

    orgs: tuple[str, ...]
    secrets: tuple[Secret, ...]
    visibility: Visibility | None
    repositories: tuple[RepoRef, ...]
    dry_run: bool
    stores: tuple[Store, ...] = (Store.CODESPACES,)
    deletes: tuple[str, ...] = ()  # upper-case names to delete from every org and store
    prune: tuple[str, ...] = ()  # upper-case include patterns; empty: no pruning
    run_time_limit: float = 1800.0  # seconds the writes may take under GitHub's limits


@dataclass(frozen=True)
class Access:
    """How to reach GitHub: seen by the transport only, never by planning or writing."""

    api_url: str
    token: str = field(repr=False)  # for orgs without their own; may be empty then
    retry: RetryPolicy = RetryPolicy()
    org_tokens: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (org, token)

    def token_for(self, org: str) -> str:
        """The org's own token (fine-grained and App tokens are per org), else ``token``."""
        return next((t for o, t in self.org_tokens if o.lower() == org.lower()), self.token)

    def for_org(self, org: str) -> Access:
        """The access narrowed to one org's token: what one transport needs."""
        return replace(self, token=self.token_for(org), org_tokens=())


@dataclass(frozen=True)
class Config:
    """Everything one run needs, validated; built only by ``inputs.parse``."""

    job: Job
    access: Access
